//! Housekeeping: what is past its time expires (coupons, an incomplete stamp card, points lots)
//! and the birthday coupon is issued in the birthday month. It runs before anything that reads or
//! spends the member's value: a sync (`before_sync`, in a transaction of its own and only when
//! something is due), a purchase (`run_counted`, with the counts the purchase read already) and an
//! adjustment (`run_in`).

use super::coupons::{self, NewCoupon};
use super::messages;
use super::rules::{MerchantRules, RulesCache};
use super::{member, points, stamps, MemberRow, MEMBER_COLUMNS};
use crate::store::entities::EntityBatch;
use crate::store::{Store, StoreError, WriteTx};
use sqlx::{AnyConnection, FromRow};
use wallet_core::cashier::IssuedCoupon;
use wallet_core::loyalty::CouponSource;
use wallet_core::loyalty_rules::{birthday_coupon_due, month_end, Birthday};

/// What of the membership is past its time at `now`: counts of coupons, active stamp cards and
/// points lots to expire (one read, no lock).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, FromRow)]
pub struct Due {
    #[sqlx(rename = "due_coupons")]
    pub coupons: i64,
    #[sqlx(rename = "due_cards")]
    pub cards: i64,
    #[sqlx(rename = "due_lots")]
    pub lots: i64,
    /// Points lots whose member is to be told they expire soon (read before a sync only: a
    /// purchase does not wait for a notice, the next sync sends it).
    #[sqlx(rename = "due_notices", default)]
    pub notices: i64,
}

pub async fn due(
    conn: &mut AnyConnection,
    member: &MemberRow,
    now: i64,
) -> Result<Due, StoreError> {
    let due = sqlx::query_as(&format!(
        "SELECT {DUE_COLUMNS} FROM memberships m WHERE m.id = $1"
    ))
    .bind(&member.id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(due)
}

/// The counts of `Due`, as columns of a query over the membership row `$m` with `$2` = now.
macro_rules! due_columns {
    ($m:literal) => {
        concat!(
            "(SELECT COUNT(*) FROM coupons WHERE membership_id = ",
            $m,
            ".id AND state = 'active' AND valid_until <= $2) AS due_coupons, \
             (SELECT COUNT(*) FROM stamp_cards WHERE membership_id = ",
            $m,
            ".id AND state = 'active' AND expires_at <= $2) AS due_cards, \
             (SELECT COUNT(*) FROM points_lots WHERE account_id = ",
            $m,
            ".points_account_id AND remaining > 0 AND expires_at <= $2) AS due_lots"
        )
    };
}
pub(super) use due_columns;

/// `due_columns!` over `memberships m`, and the lots to send an expiry notice for (the
/// merchant's `expiry_notice_days` before they expire; none when it has no such notice).
pub(super) const DUE_COLUMNS: &str = concat!(
    due_columns!("m"),
    ", (SELECT COUNT(*) FROM points_lots WHERE account_id = m.points_account_id \
     AND remaining > 0 AND expiry_noticed = 0 AND expires_at > $2 AND expires_at <= $2 + 86400 * \
     (SELECT p.expiry_notice_days FROM points_programs p WHERE p.merchant_id = m.merchant_id)) \
     AS due_notices"
);

/// A membership's row and what of it is due, in one read (before a sync).
async fn member_and_due(
    conn: &mut AnyConnection,
    membership_id: &str,
    now: i64,
) -> Result<Option<(MemberRow, Due)>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        member: MemberRow,
        #[sqlx(flatten)]
        due: Due,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS}, {DUE_COLUMNS} FROM memberships m WHERE m.id = $1"
    ))
    .bind(membership_id)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| (row.member, row.due)))
}

fn birthday_due(rules: &MerchantRules, member: &MemberRow, now: i64) -> Option<i64> {
    rules.birthday.as_ref()?;
    let birthday = Birthday {
        month: member.birthday_month.and_then(|m| u32::try_from(m).ok()),
        last_issued_year: member.birthday_coupon_year,
        set_at: member.birthday_set_at,
    };
    birthday_coupon_due(
        &birthday,
        rules.birthday_wait_days,
        now,
        rules.merchant.utc_offset_min,
    )
}

/// Expires what is past its time (coupons, an incomplete stamp card, points lots) and issues the
/// birthday coupon when due, in the caller's transaction. Returns the coupons it issued.
pub async fn run_in(
    tx: &mut WriteTx<'_>,
    rules: &MerchantRules,
    member: &mut MemberRow,
    now: i64,
) -> Result<Vec<IssuedCoupon>, StoreError> {
    let (conn, batch) = tx.split();
    let due = due(conn, member, now).await?;
    run_counted(conn, batch, rules, member, due, now).await
}

/// `run_in` when the caller has read what is `due` already.
pub(super) async fn run_counted(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    member: &mut MemberRow,
    due: Due,
    now: i64,
) -> Result<Vec<IssuedCoupon>, StoreError> {
    if due.coupons > 0 {
        coupons::expire_due(conn, batch, &member.id, now).await?;
    }
    if due.cards > 0 {
        stamps::expire_due(conn, batch, rules, &member.id, now).await?;
    }
    if let (true, Some(account_id)) = (due.lots > 0, &member.points_account_id) {
        if points::expire_due(conn, batch, rules, account_id, now).await? > 0 {
            points::write_balance(conn, batch, rules, account_id, None, now).await?;
        }
    }
    if let (true, Some(account_id)) = (due.notices > 0, &member.points_account_id) {
        points::send_expiry_notice(conn, batch, rules, &member.id, account_id, now).await?;
    }
    Ok(issue_birthday_coupon(conn, batch, rules, member, now)
        .await?
        .into_iter()
        .collect())
}

/// The birthday coupon of this year, if it is the member's birthday month and it was not issued
/// yet; valid until the end of the month.
pub(super) async fn issue_birthday_coupon(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    member: &mut MemberRow,
    now: i64,
) -> Result<Option<IssuedCoupon>, StoreError> {
    let (Some(year), Some(template)) = (birthday_due(rules, member, now), &rules.birthday) else {
        return Ok(None);
    };
    let month = member
        .birthday_month
        .and_then(|m| u32::try_from(m).ok())
        .unwrap_or(1);
    // Conditional, so two transactions cannot both issue this year's coupon.
    let updated = sqlx::query(
        "UPDATE memberships SET birthday_coupon_year = $1 WHERE id = $2 \
         AND (birthday_coupon_year IS NULL OR birthday_coupon_year <> $1)",
    )
    .bind(year)
    .bind(&member.id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(None);
    }
    member.birthday_coupon_year = Some(year);
    let coupon = NewCoupon {
        template,
        membership_id: &member.id,
        source: CouponSource::Birthday,
        reward_id: None,
        valid_until: Some(month_end(year, month, rules.merchant.utc_offset_min)),
    };
    let issued = coupons::issue(conn, batch, coupon, now).await?;
    messages::birthday_gift(batch, &member.id, &issued, now)?;
    Ok(Some(issued))
}

/// Housekeeping before a sync: a read decides whether anything is due, and only then a short
/// write transaction does it, so a sync with nothing due writes nothing.
pub async fn before_sync(
    store: &Store,
    rules_cache: &RulesCache,
    membership_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    let mut conn = store.read().await?;
    let Some((member_now, due)) = member_and_due(&mut conn, membership_id, now).await? else {
        return Ok(());
    };
    let Some(rules) = rules_cache.get(&mut conn, &member_now.merchant_id).await? else {
        return Ok(());
    };
    if due == Due::default() && birthday_due(&rules, &member_now, now).is_none() {
        return Ok(());
    }
    let mut tx = store.write_after(conn).await?;
    // Read again under the lock: another request may have done it meanwhile.
    let Some(mut member_now) = member(&mut tx, membership_id).await? else {
        return Ok(());
    };
    run_in(&mut tx, &rules, &mut member_now, now).await?;
    tx.commit().await?;
    Ok(())
}
