//! The loyalty life of a membership, put together from stamps, points, tiers, coupons and rewards:
//! what enroll creates, what a purchase at the counter does, and the housekeeping that expires
//! coupons, cards and points and issues the birthday coupon (run before a sync and a purchase).
//!
//! Everything here writes inside the caller's transaction, after the caller took the version
//! counter's lock (`entities::next_version`), and queues entity writes in an `EntityBatch` the
//! caller flushes before committing: the member's state and what wallets see change together.

use crate::app::AppState;
use crate::coupons::{self, NewCoupon};
use crate::entities::{self, EntityBatch};
use crate::error::ApiError;
use crate::points::{self, Change};
use crate::programs::Programs;
use crate::rewards;
use crate::stamps::{self, Stamped};
use crate::tiers::{self, Standing};
use sqlx::{AnyConnection, Connection, FromRow};
use wallet_core::cashier::IssuedCoupon;
use wallet_core::loyalty::{CouponSource, LedgerReason};
use wallet_core::loyalty_rules::{
    birthday_coupon_due, day_start, local_day, month_end, StampGrant,
};
use wallet_core::sync::EntityKind;

/// A membership's loyalty state as stored on its row.
#[derive(Clone, Debug, FromRow)]
pub struct MemberRow {
    pub id: String,
    pub merchant_id: String,
    pub points_account_id: Option<String>,
    pub birthday_month: Option<i64>,
    pub birthday_coupon_year: Option<i64>,
    pub tier_rank: i64,
    pub tier_since: i64,
    pub loyalty_ready: i64,
}

pub const MEMBER_COLUMNS: &str = "id, merchant_id, points_account_id, birthday_month, \
    birthday_coupon_year, tier_rank, tier_since, loyalty_ready";

pub async fn member(
    conn: &mut AnyConnection,
    membership_id: &str,
) -> Result<Option<MemberRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships WHERE id = $1"
    ))
    .bind(membership_id)
    .fetch_optional(conn)
    .await
}

/// A group brand's membership the new one shares its points with.
#[derive(Clone, Debug)]
pub struct Link {
    pub account_id: String,
    pub sibling_membership_id: String,
}

/// Finds, among the tokens a wallet sent at enroll, a membership of a brand in the same group as
/// `programs.merchant` that has a points account. Tokens of other groups or unknown ones are
/// ignored (no error: the wallet sends every token it holds at this issuer).
pub async fn find_link(
    conn: &mut AnyConnection,
    programs: &Programs,
    tokens: &[String],
) -> Result<Option<Link>, sqlx::Error> {
    let Some(group) = &programs.merchant.group else {
        return Ok(None);
    };
    for token in tokens.iter().take(wallet_core::loyalty::MAX_LINK_TOKENS) {
        if token.is_empty() || token.len() > wallet_core::protocol::MAX_TOKEN_LEN {
            continue;
        }
        let found: Option<(String, String)> = sqlx::query_as(
            "SELECT m.id, m.points_account_id FROM memberships m \
             JOIN merchants mer ON mer.id = m.merchant_id \
             WHERE m.token_hash = $1 AND mer.group_id = $2 AND m.points_account_id IS NOT NULL",
        )
        .bind(crate::secrets::sha256_hex(token))
        .bind(&group.id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((sibling_membership_id, account_id)) = found {
            return Ok(Some(Link {
                account_id,
                sibling_membership_id,
            }));
        }
    }
    Ok(None)
}

/// Gives a new membership (or one from before loyalty existed) its loyalty state and entities:
/// a points account (its own, or the linked group account) with the welcome points, an empty
/// stamp card, the base tier and the rewards catalogue.
pub async fn init_membership(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    programs: &Programs,
    membership_id: &str,
    link: Option<&Link>,
    welcome: bool,
    now: i64,
) -> Result<(), sqlx::Error> {
    let account_id = match link {
        Some(link) => {
            entities::copy_kinds(
                conn,
                &link.sibling_membership_id,
                membership_id,
                &[EntityKind::PointsBalance, EntityKind::LedgerEntry],
            )
            .await?;
            Some(link.account_id.clone())
        }
        None if programs.points.is_some() => Some(points::open_account(conn, programs, now).await?),
        None => None,
    };
    let base_rank = programs.tiers.first().map_or(0, |t| i64::from(t.rank));
    sqlx::query(
        "UPDATE memberships SET points_account_id = $1, tier_rank = $2, tier_since = $3, \
         loyalty_ready = 1 WHERE id = $4",
    )
    .bind(&account_id)
    .bind(base_rank)
    .bind(now)
    .bind(membership_id)
    .execute(&mut *conn)
    .await?;

    if let Some(account_id) = &account_id {
        let welcome_points = programs.points.map_or(0, |p| p.welcome_points);
        if welcome && welcome_points > 0 {
            let change = Change {
                account_id,
                membership_id: Some(membership_id),
                reason: LedgerReason::Welcome,
                points: welcome_points,
                amount: None,
                note: None,
            };
            points::credit(conn, batch, programs, change, now).await?;
        }
        points::write_balance(conn, batch, programs, account_id, None, now).await?;
    }
    if let Some(program) = &programs.stamps {
        stamps::start_card(conn, batch, programs, program, membership_id, 1, now).await?;
    }
    let standing = Standing {
        rank: base_rank,
        since: now,
        spend_12m: 0,
    };
    tiers::write(batch, programs, membership_id, &standing, now)?;
    rewards::write_catalogue(conn, batch, membership_id, &programs.merchant.id).await?;
    Ok(())
}

/// Gives memberships made before loyalty existed their loyalty state (without welcome points:
/// they did not just join). Run at start, after the demo seed; safe to run every time.
pub async fn prepare_existing(state: &AppState) -> Result<(), sqlx::Error> {
    let now = now_i64(state);
    let waiting: Vec<(String, String)> =
        sqlx::query_as("SELECT id, merchant_id FROM memberships WHERE loyalty_ready = 0")
            .fetch_all(&state.db)
            .await?;
    for (membership_id, merchant_id) in waiting {
        let mut conn = state.db.acquire().await?;
        let Some(programs) = state.programs.get(&mut conn, &merchant_id).await? else {
            continue;
        };
        let mut writer = state.write_gate.writer(conn).await?;
        let mut tx = writer.begin().await?;
        entities::next_version(&mut tx).await?;
        let mut batch = EntityBatch::new();
        init_membership(
            &mut tx,
            &mut batch,
            &programs,
            &membership_id,
            None,
            false,
            now,
        )
        .await?;
        batch.flush(&mut tx).await?;
        tx.commit().await?;
    }
    Ok(())
}

pub fn now_i64(state: &AppState) -> i64 {
    i64::try_from(state.clock.now_unix()).unwrap_or(i64::MAX)
}

/// What of the membership is past its time at `now`: counts of coupons, active stamp cards and
/// points lots to expire (one read, no lock).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Due {
    pub coupons: i64,
    pub cards: i64,
    pub lots: i64,
}

pub async fn due(
    conn: &mut AnyConnection,
    member: &MemberRow,
    now: i64,
) -> Result<Due, sqlx::Error> {
    let (coupons, cards, lots): (i64, i64, i64) = sqlx::query_as(&format!(
        "SELECT {DUE_COLUMNS} FROM memberships m WHERE m.id = $1"
    ))
    .bind(&member.id)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(Due {
        coupons,
        cards,
        lots,
    })
}

/// The counts of `Due`, as columns of a query over `memberships m` with `$2` = now.
const DUE_COLUMNS: &str = "\
    (SELECT COUNT(*) FROM coupons \
     WHERE membership_id = m.id AND state = 'active' AND valid_until <= $2) AS due_coupons, \
    (SELECT COUNT(*) FROM stamp_cards \
     WHERE membership_id = m.id AND state = 'active' AND expires_at <= $2) AS due_cards, \
    (SELECT COUNT(*) FROM points_lots \
     WHERE account_id = m.points_account_id AND remaining > 0 AND expires_at <= $2) AS due_lots";

/// A membership's row and what of it is due, in one read (before a sync).
async fn member_and_due(
    conn: &mut AnyConnection,
    membership_id: &str,
    now: i64,
) -> Result<Option<(MemberRow, Due)>, sqlx::Error> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        member: MemberRow,
        due_coupons: i64,
        due_cards: i64,
        due_lots: i64,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS}, {DUE_COLUMNS} FROM memberships m WHERE m.id = $1"
    ))
    .bind(membership_id)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| {
        let due = Due {
            coupons: row.due_coupons,
            cards: row.due_cards,
            lots: row.due_lots,
        };
        (row.member, due)
    }))
}

fn birthday_due(programs: &Programs, member: &MemberRow, now: i64) -> Option<i64> {
    programs.birthday.as_ref()?;
    let month = member.birthday_month.and_then(|m| u32::try_from(m).ok());
    birthday_coupon_due(
        month,
        member.birthday_coupon_year,
        now,
        programs.merchant.utc_offset_min,
    )
}

/// Expires what is past its time (coupons, an incomplete stamp card, points lots) and issues the
/// birthday coupon when due. Returns the coupons it issued.
pub async fn housekeeping_in(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    programs: &Programs,
    member: &mut MemberRow,
    now: i64,
) -> Result<Vec<IssuedCoupon>, sqlx::Error> {
    let due = due(conn, member, now).await?;
    housekeeping_due(conn, batch, programs, member, due, now).await
}

/// `housekeeping_in` when the caller has read what is `due` already.
async fn housekeeping_due(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    programs: &Programs,
    member: &mut MemberRow,
    due: Due,
    now: i64,
) -> Result<Vec<IssuedCoupon>, sqlx::Error> {
    if due.coupons > 0 {
        coupons::expire_due(conn, batch, &member.id, now).await?;
    }
    if due.cards > 0 {
        stamps::expire_due(conn, batch, programs, &member.id, now).await?;
    }
    if let (true, Some(account_id)) = (due.lots > 0, &member.points_account_id) {
        if points::expire_due(conn, batch, programs, account_id, now).await? > 0 {
            points::write_balance(conn, batch, programs, account_id, None, now).await?;
        }
    }
    Ok(issue_birthday_coupon(conn, batch, programs, member, now)
        .await?
        .into_iter()
        .collect())
}

/// The birthday coupon of this year, if it is the member's birthday month and it was not issued
/// yet; valid until the end of the month.
pub async fn issue_birthday_coupon(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    programs: &Programs,
    member: &mut MemberRow,
    now: i64,
) -> Result<Option<IssuedCoupon>, sqlx::Error> {
    let (Some(year), Some(template)) = (birthday_due(programs, member, now), &programs.birthday)
    else {
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
        valid_until: Some(month_end(year, month, programs.merchant.utc_offset_min)),
    };
    coupons::issue(conn, batch, coupon, now).await.map(Some)
}

/// Housekeeping before a sync: a read decides whether anything is due, and only then a short
/// write transaction does it, so a sync with nothing due writes nothing.
pub async fn housekeeping(state: &AppState, membership_id: &str) -> Result<(), ApiError> {
    let now = now_i64(state);
    let mut conn = state.db.acquire().await?;
    let Some((member_now, due)) = member_and_due(&mut conn, membership_id, now).await? else {
        return Ok(());
    };
    let Some(programs) = state
        .programs
        .get(&mut conn, &member_now.merchant_id)
        .await?
    else {
        return Ok(());
    };
    if due == Due::default() && birthday_due(&programs, &member_now, now).is_none() {
        return Ok(());
    }
    let mut writer = state.write_gate.writer(conn).await?;
    let mut tx = writer.begin().await?;
    entities::next_version(&mut tx).await?;
    // Read again under the lock: another request may have done it meanwhile.
    let Some(mut member_now) = member(&mut tx, membership_id).await? else {
        return Ok(());
    };
    let mut batch = EntityBatch::new();
    housekeeping_in(&mut tx, &mut batch, &programs, &mut member_now, now).await?;
    batch.flush(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// What a purchase did.
#[derive(Clone, Debug)]
pub struct PurchaseEffects {
    pub grant: Option<StampGrant>,
    pub stamped: Option<Stamped>,
    pub points: Option<(i64, i64, String)>,
    pub tier_before: i64,
    pub tier: Option<Standing>,
    pub coupons: Vec<IssuedCoupon>,
}

/// What a purchase reads before it writes, in one query (the counter is a queue: every round trip
/// inside the write lock counts): what is due for housekeeping, the stamps the member earned today,
/// how many memberships share the points account, and the active stamp card.
#[derive(FromRow)]
struct PurchaseContext {
    due_coupons: i64,
    due_cards: i64,
    due_lots: i64,
    stamps_today: i64,
    account_members: i64,
    id: Option<String>,
    membership_id: Option<String>,
    program_id: Option<String>,
    serial: Option<i64>,
    stamps: Option<i64>,
    stamps_reached: Option<i64>,
    state: Option<String>,
    started_at: Option<i64>,
    first_stamp_at: Option<i64>,
    last_stamp_at: Option<i64>,
    expires_at: Option<i64>,
    completed_at: Option<i64>,
}

impl PurchaseContext {
    fn card(&self) -> Option<stamps::CardRow> {
        Some(stamps::CardRow {
            id: self.id.clone()?,
            membership_id: self.membership_id.clone()?,
            program_id: self.program_id.clone()?,
            serial: self.serial?,
            stamps: self.stamps?,
            stamps_reached: self.stamps_reached?,
            state: self.state.clone()?,
            started_at: self.started_at?,
            first_stamp_at: self.first_stamp_at,
            last_stamp_at: self.last_stamp_at,
            expires_at: self.expires_at,
            completed_at: self.completed_at,
        })
    }
}

async fn purchase_context(
    conn: &mut AnyConnection,
    programs: &Programs,
    member: &MemberRow,
    now: i64,
) -> Result<PurchaseContext, sqlx::Error> {
    let offset = programs.merchant.utc_offset_min;
    let today_start = day_start(local_day(now, offset), offset);
    let program_id = programs.stamps.as_ref().map_or("", |p| p.id.as_str());
    sqlx::query_as(&format!(
        "SELECT {DUE_COLUMNS}, \
           (SELECT CAST(COALESCE(SUM(stamps), 0) AS BIGINT) FROM purchases \
            WHERE membership_id = m.id AND created_at >= $3) AS stamps_today, \
           (SELECT COUNT(*) FROM memberships o \
            WHERE o.points_account_id = m.points_account_id) AS account_members, \
           c.id, c.membership_id, c.program_id, c.serial, c.stamps, c.stamps_reached, c.state, \
           c.started_at, c.first_stamp_at, c.last_stamp_at, c.expires_at, c.completed_at \
         FROM memberships m \
         LEFT JOIN stamp_cards c \
           ON c.membership_id = m.id AND c.program_id = $4 AND c.state = 'active' \
         WHERE m.id = $1 ORDER BY c.serial DESC LIMIT 1"
    ))
    .bind(&member.id)
    .bind(now)
    .bind(today_start)
    .bind(program_id)
    .fetch_one(conn)
    .await
}

/// A purchase of `amount` NT$ by `member` at `programs.merchant`: housekeeping first (so expired
/// points and cards are gone before new ones arrive), then stamps within the limits, points at the
/// earn rate and the member's tier multiplier, the purchase itself, and the tier recomputed.
pub async fn record_purchase(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    programs: &Programs,
    member: &mut MemberRow,
    amount: i64,
    now: i64,
) -> Result<PurchaseEffects, sqlx::Error> {
    let context = purchase_context(conn, programs, member, now).await?;
    if let (1, Some(account_id)) = (context.account_members, &member.points_account_id) {
        batch.know_account(account_id, vec![member.id.clone()]);
    }
    let due = Due {
        coupons: context.due_coupons,
        cards: context.due_cards,
        lots: context.due_lots,
    };
    let mut coupons = housekeeping_due(conn, batch, programs, member, due, now).await?;

    let (grant, stamped) = match &programs.stamps {
        Some(program) => {
            let today = u32::try_from(context.stamps_today.max(0)).unwrap_or(u32::MAX);
            let grant = program.rule.grant(amount, today);
            let stamping = stamps::Stamping {
                membership_id: &member.id,
                // Housekeeping may have replaced an expired card: then it is read again.
                current: if due.cards > 0 { None } else { context.card() },
                granted: grant.granted,
            };
            let stamped = stamps::add_stamps(conn, batch, programs, program, stamping, now).await?;
            coupons.extend(stamped.coupons.iter().cloned());
            (Some(grant), Some(stamped))
        }
        None => (None, None),
    };
    let points = match (&programs.points, &member.points_account_id) {
        (Some(program), Some(account_id)) => {
            let earned = program
                .earn
                .points_for(amount, programs.tier_multiplier(member.tier_rank));
            let balance = if earned > 0 {
                let change = Change {
                    account_id,
                    membership_id: Some(&member.id),
                    reason: LedgerReason::Purchase,
                    points: earned,
                    amount: Some(amount),
                    note: None,
                };
                let entry = points::credit(conn, batch, programs, change, now).await?;
                let balance = Some(entry.balance_after);
                points::write_balance(conn, batch, programs, account_id, balance, now).await?
            } else {
                // Nothing earned: the balance entity stays as it is (no new version to send).
                points::balance(conn, account_id).await?
            };
            Some((earned, balance, account_id.clone()))
        }
        _ => None,
    };

    let purchase_id = entities::new_id("pu")?;
    sqlx::query(
        "INSERT INTO purchases (id, membership_id, merchant_id, amount, stamps, points, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(purchase_id)
    .bind(&member.id)
    .bind(&member.merchant_id)
    .bind(amount)
    .bind(i64::from(grant.map_or(0, |g| g.granted)))
    .bind(points.as_ref().map_or(0, |p| p.0))
    .bind(now)
    .execute(&mut *conn)
    .await?;

    let current = Standing {
        rank: member.tier_rank,
        since: member.tier_since,
        spend_12m: 0,
    };
    let tier = tiers::recompute(conn, batch, programs, &member.id, &current, now).await?;
    Ok(PurchaseEffects {
        grant,
        stamped,
        points,
        tier_before: member.tier_rank,
        tier,
        coupons,
    })
}
