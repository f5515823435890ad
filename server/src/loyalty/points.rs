//! Points: accounts (one per merchant, or one shared by a merchant group's brands), lots that
//! expire by date and are spent soonest-expiry first, the ledger, and the `points_balance` and
//! `ledger_entry` entities every membership sharing the account receives.
//!
//! Callers hold the version counter's lock (see `entities`) before calling anything here that
//! writes, so the balance read and the balance written belong to the same moment.

use super::messages;
use super::rules::MerchantRules;
use crate::store::entities::{new_id, to_data, Audience, EntityBatch, Param, Statement};
use crate::store::StoreError;
use sqlx::{AnyConnection, FromRow};
use wallet_core::loyalty::{LedgerEntryData, LedgerReason, PointsBalanceData, PointsExpiry};
use wallet_core::loyalty_rules::{civil_from_days, points_expire_at, take_in_order};
use wallet_core::message::{MessageData, MessageTopic};
use wallet_core::sync::EntityKind;
use wallet_core::LocalizedText;

/// How many expiry dates the `points_balance` entity lists.
pub const EXPIRING_LISTED: i64 = 3;

/// Opens an account for a membership of `rules.merchant` (shared with its group, if any).
pub async fn open_account(
    conn: &mut AnyConnection,
    rules: &MerchantRules,
    now: i64,
) -> Result<String, StoreError> {
    let id = new_id("pa")?;
    sqlx::query(
        "INSERT INTO points_accounts (id, group_id, merchant_id, balance, ledger_seq, created_at) \
         VALUES ($1, $2, $3, 0, 0, $4)",
    )
    .bind(&id)
    .bind(rules.merchant.group.as_ref().map(|g| g.id.clone()))
    .bind(&rules.merchant.id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(id)
}

/// One change of a balance, as the ledger records it.
pub struct Change<'a> {
    pub account_id: &'a str,
    /// Who acted (`None` for expiry).
    pub membership_id: Option<&'a str>,
    pub reason: LedgerReason,
    /// Always positive; `credit` adds it, `debit` takes it.
    pub points: i64,
    pub amount: Option<i64>,
    pub note: Option<LocalizedText>,
}

/// The ledger entry a change made.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: String,
    pub balance_after: i64,
}

/// Whether the account has had `merchant_id`'s welcome points already.
pub async fn welcomed(
    conn: &mut AnyConnection,
    account_id: &str,
    merchant_id: &str,
) -> Result<bool, StoreError> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM ledger_entries WHERE account_id = $1 AND merchant_id = $2 \
         AND reason = 'welcome' LIMIT 1",
    )
    .bind(account_id)
    .bind(merchant_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Adds points as a new lot expiring per the merchant's points program.
pub async fn credit(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    change: Change<'_>,
    now: i64,
) -> Result<Entry, StoreError> {
    let valid_days = rules.points.and_then(|p| p.valid_days);
    let expires_at = points_expire_at(now, valid_days, rules.merchant.utc_offset_min);
    sqlx::query(
        "INSERT INTO points_lots (id, account_id, earned_at, expires_at, remaining) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id("lot")?)
    .bind(change.account_id)
    .bind(now)
    .bind(expires_at)
    .bind(change.points)
    .execute(&mut *conn)
    .await?;
    record(conn, batch, rules, change, 1, expires_at, now).await
}

/// The points that can be spent now: the balance less lots past their expiry not yet swept.
pub async fn spendable(
    conn: &mut AnyConnection,
    account_id: &str,
    now: i64,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) FROM points_lots \
         WHERE account_id = $1 AND remaining > 0 AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(account_id)
    .bind(now)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from)
}

#[derive(FromRow)]
struct Lot {
    id: String,
    remaining: i64,
}

/// Takes points from the lots that expire soonest. `None` (and nothing written) when the
/// spendable points are fewer.
pub async fn debit(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    change: Change<'_>,
    now: i64,
) -> Result<Option<Entry>, StoreError> {
    let lots: Vec<Lot> = sqlx::query_as(
        "SELECT id, remaining FROM points_lots \
         WHERE account_id = $1 AND remaining > 0 AND (expires_at IS NULL OR expires_at > $2) \
         ORDER BY (CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END), expires_at, earned_at, id",
    )
    .bind(change.account_id)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?;
    let remaining: Vec<i64> = lots.iter().map(|lot| lot.remaining).collect();
    let Some(takes) = take_in_order(&remaining, change.points) else {
        return Ok(None);
    };
    for (lot, take) in lots.iter().zip(takes) {
        if take > 0 {
            sqlx::query("UPDATE points_lots SET remaining = remaining - $1 WHERE id = $2")
                .bind(take)
                .bind(&lot.id)
                .execute(&mut *conn)
                .await?;
        }
    }
    record(conn, batch, rules, change, -1, None, now)
        .await
        .map(Some)
}

/// Sweeps lots past their expiry date: one `expiry` ledger entry for all of them.
pub async fn expire_due(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    account_id: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let due: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT) FROM points_lots \
         WHERE account_id = $1 AND remaining > 0 AND expires_at <= $2",
    )
    .bind(account_id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    if due <= 0 {
        return Ok(0);
    }
    sqlx::query(
        "UPDATE points_lots SET remaining = 0 \
         WHERE account_id = $1 AND remaining > 0 AND expires_at <= $2",
    )
    .bind(account_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let change = Change {
        account_id,
        membership_id: None,
        reason: LedgerReason::Expiry,
        points: due,
        amount: None,
        note: None,
    };
    record(conn, batch, rules, change, -1, None, now).await?;
    Ok(due)
}

/// Tells the member which points expire within the merchant's notice window (once per lot: the
/// lots are marked), as one `points_expiring` message with their sum and the first date.
pub async fn send_expiry_notice(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    membership_id: &str,
    account_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    let Some(days) = rules.points.and_then(|p| p.expiry_notice_days) else {
        return Ok(());
    };
    let horizon = now + i64::from(days) * 86_400;
    const LOTS: &str = "account_id = $1 AND remaining > 0 AND expiry_noticed = 0 \
         AND expires_at > $2 AND expires_at <= $3";
    let (points, first): (i64, Option<i64>) = sqlx::query_as(&format!(
        "SELECT CAST(COALESCE(SUM(remaining), 0) AS BIGINT), MIN(expires_at) FROM points_lots \
         WHERE {LOTS}"
    ))
    .bind(account_id)
    .bind(now)
    .bind(horizon)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "UPDATE points_lots SET expiry_noticed = 1 WHERE {LOTS}"
    ))
    .bind(account_id)
    .bind(now)
    .bind(horizon)
    .execute(&mut *conn)
    .await?;
    let Some(first) = first.filter(|_| points > 0) else {
        return Ok(());
    };
    let local_days = (first + i64::from(rules.merchant.utc_offset_min) * 60).div_euclid(86_400);
    let (year, month, day) = civil_from_days(local_days);
    let message = MessageData {
        topic: MessageTopic::PointsExpiring,
        title: LocalizedText::new("點數即將到期", "Points expire soon"),
        body: LocalizedText::new(
            format!("您有 {points} 點將於 {year}/{month}/{day} 到期，記得在那之前使用。"),
            format!("{points} of your points expire on {year}-{month:02}-{day:02}. Use them before then."),
        ),
        sent_at: now,
        coupon_code: None,
        read_at: None,
    };
    messages::send(batch, membership_id, &message)
}

/// Moves the balance by `sign * points`, numbers the entry and queues its entity.
async fn record(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    change: Change<'_>,
    sign: i64,
    expires_at: Option<i64>,
    now: i64,
) -> Result<Entry, StoreError> {
    let delta = sign * change.points;
    let (balance_after, seq): (i64, i64) = sqlx::query_as(
        "UPDATE points_accounts SET balance = balance + $1, ledger_seq = ledger_seq + 1 \
         WHERE id = $2 RETURNING balance, ledger_seq",
    )
    .bind(delta)
    .bind(change.account_id)
    .fetch_one(&mut *conn)
    .await?;
    let id = new_id("le")?;
    let merchant = &rules.merchant;
    // No statement of a transaction reads the entries it made: sent with the entity rows.
    batch.defer(Statement::new(
        "INSERT INTO ledger_entries (id, account_id, seq, merchant_id, membership_id, reason, \
         points, balance_after, amount, note_zh, note_en, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        vec![
            Param::from(id.as_str()),
            Param::from(change.account_id),
            Param::from(seq),
            Param::from(merchant.id.as_str()),
            Param::from(change.membership_id.map(str::to_owned)),
            Param::from(change.reason.as_str()),
            Param::from(delta),
            Param::from(balance_after),
            Param::from(change.amount),
            Param::from(change.note.as_ref().map(|n| n.zh_tw.clone())),
            Param::from(change.note.as_ref().map(|n| n.en.clone())),
            Param::from(now),
            Param::from(expires_at),
        ],
    ));
    let data = LedgerEntryData {
        account_id: change.account_id.to_owned(),
        seq,
        merchant_id: merchant.id.clone(),
        merchant_name: merchant.name.clone(),
        reason: change.reason,
        points: delta,
        balance_after,
        amount: change.amount,
        note: change.note,
        created_at: now,
        expires_at,
    };
    batch.put(
        Audience::Account(change.account_id.to_owned()),
        EntityKind::LedgerEntry,
        id.clone(),
        to_data(&data)?,
    );
    Ok(Entry { id, balance_after })
}

/// The account's balance.
pub async fn balance(conn: &mut AnyConnection, account_id: &str) -> Result<i64, StoreError> {
    sqlx::query_scalar("SELECT balance FROM points_accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(conn)
        .await
        .map_err(StoreError::from)
}

#[derive(FromRow)]
struct Expiring {
    expires_at: i64,
    points: i64,
}

/// Queues the account's `points_balance` entity as it is now; returns the balance. `balance`:
/// the balance if the caller just learnt it (from the ledger entry it made), else it is read.
pub async fn write_balance(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    account_id: &str,
    balance: Option<i64>,
    now: i64,
) -> Result<i64, StoreError> {
    let balance = match balance {
        Some(balance) => balance,
        None => self::balance(conn, account_id).await?,
    };
    let expiring: Vec<Expiring> = sqlx::query_as(
        "SELECT expires_at, CAST(SUM(remaining) AS BIGINT) AS points FROM points_lots \
         WHERE account_id = $1 AND remaining > 0 AND expires_at > $2 \
         GROUP BY expires_at ORDER BY expires_at LIMIT $3",
    )
    .bind(account_id)
    .bind(now)
    .bind(EXPIRING_LISTED)
    .fetch_all(&mut *conn)
    .await?;
    let data = PointsBalanceData {
        balance,
        group: rules.merchant.group.clone(),
        merchants: rules.merchant.points_merchants.clone(),
        expiring: expiring
            .into_iter()
            .map(|e| PointsExpiry {
                points: e.points,
                expires_at: e.expires_at,
            })
            .collect(),
        updated_at: now,
    };
    batch.put(
        Audience::Account(account_id.to_owned()),
        EntityKind::PointsBalance,
        account_id,
        to_data(&data)?,
    );
    Ok(balance)
}
