//! Stored answers of cashier requests named by a request id (docs/protocol.md section 11.5): the
//! first request with an id stores its answer in the same transaction as its effects; a later one
//! with the same id finds it here and changes nothing. Of two with the same id at once, the one
//! that stores its answer second rolls back and is given the first one's.
//!
//! Only answers of requests that changed something are stored. Stored answers are kept for
//! `KEEP_ANSWERS_SECS`: a till resends within seconds or minutes, and a busy shop's answers would
//! otherwise grow the database forever.

use super::entities::{Param, Statement};
use super::{KeyChecked, Store, StoreError, WriteTx};
use sqlx::{AnyConnection, FromRow};

/// How long a stored answer is kept (docs/protocol.md section 11.5).
pub const KEEP_ANSWERS_SECS: i64 = 30 * 24 * 3600;
/// Answers deleted per writer turn: other writers wait only that long.
const FORGET_BATCH: i64 = 1000;

/// A request id's row: what the request was (its fingerprint) and the answer it was given.
#[derive(Clone, Debug, FromRow, PartialEq, Eq)]
pub struct StoredRequest {
    pub fingerprint: String,
    pub response: Option<String>,
}

/// A request id and what it names.
pub struct Claim<'a> {
    pub merchant_id: &'a str,
    pub request_id: &'a str,
    pub endpoint: &'a str,
    pub fingerprint: &'a str,
}

/// The row of an earlier request with this id at this merchant, if there is one.
pub async fn stored(
    conn: &mut AnyConnection,
    merchant_id: &str,
    request_id: &str,
) -> Result<Option<StoredRequest>, StoreError> {
    let row = sqlx::query_as(
        "SELECT fingerprint, response FROM cashier_requests \
         WHERE merchant_id = $1 AND request_id = $2",
    )
    .bind(merchant_id)
    .bind(request_id)
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// `stored`, with whether the cashier key (by its hash) is still the merchant's
/// (`memberships::KeyChecked`): the first read of a redeem or an adjustment.
pub async fn stored_for_key(
    conn: &mut AnyConnection,
    merchant_id: &str,
    key_hash: &str,
    request_id: &str,
) -> Result<KeyChecked<Option<StoredRequest>>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        key_valid: i64,
        fingerprint: Option<String>,
        response: Option<String>,
    }
    let row: Row = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM merchants k WHERE k.id = $1 AND k.cashier_key_hash = $2) \
         AS key_valid, r.fingerprint, r.response FROM (SELECT 1 AS one) AS x \
         LEFT JOIN cashier_requests r ON r.merchant_id = $1 AND r.request_id = $3",
    )
    .bind(merchant_id)
    .bind(key_hash)
    .bind(request_id)
    .fetch_one(conn)
    .await?;
    Ok(KeyChecked {
        key_valid: row.key_valid > 0,
        found: row.fingerprint.map(|fingerprint| StoredRequest {
            fingerprint,
            response: row.response,
        }),
    })
}

/// How a request that changed something ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Finished {
    /// Its answer (this text) is stored and its effects committed.
    Committed(String),
    /// Another request with its id committed first: this one's effects were rolled back (they
    /// must not count twice); the other one's row.
    Twin(Option<StoredRequest>),
}

/// Ends a request that changed something: stores `body` under the claim as the transaction's
/// last write and commits, or rolls back if a request with the same id committed first.
pub async fn finish(
    mut tx: WriteTx<'_>,
    claim: &Claim<'_>,
    body: String,
    now: i64,
) -> Result<Finished, StoreError> {
    // The entity writes and the answer in one round trip where the database allows.
    let insert = Statement::new(
        "INSERT INTO cashier_requests \
         (merchant_id, request_id, endpoint, fingerprint, response, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1",
        vec![
            Param::from(claim.merchant_id),
            Param::from(claim.request_id),
            Param::from(claim.endpoint),
            Param::from(claim.fingerprint),
            Param::from(body.as_str()),
            Param::from(now),
        ],
    );
    if tx.flush_then(insert).await? == 1 {
        tx.commit().await?;
        return Ok(Finished::Committed(body));
    }
    // Read inside the transaction, before rolling back: both SQLite (whose writer has the newest
    // snapshot) and PostgreSQL (read committed, after the insert waited for the twin) see the row.
    let twin = stored(&mut tx, claim.merchant_id, claim.request_id).await?;
    tx.rollback().await?;
    Ok(Finished::Twin(twin))
}

/// Deletes the stored answers made before `cutoff`, a batch per writer turn; how many.
pub async fn forget_before(store: &Store, cutoff: i64) -> Result<u64, StoreError> {
    let mut forgotten = 0;
    loop {
        let mut tx = store.write().await?;
        let deleted = sqlx::query(
            "DELETE FROM cashier_requests WHERE (merchant_id, request_id) IN \
             (SELECT merchant_id, request_id FROM cashier_requests WHERE created_at < $1 LIMIT $2)",
        )
        .bind(cutoff)
        .bind(FORGET_BATCH)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        forgotten += deleted;
        if deleted < FORGET_BATCH as u64 {
            return Ok(forgotten);
        }
    }
}

/// Deletes the stored answers older than `KEEP_ANSWERS_SECS` at `now`; how many.
pub async fn forget_old_answers(store: &Store, now: i64) -> Result<u64, StoreError> {
    forget_before(store, now.saturating_sub(KEEP_ANSWERS_SECS)).await
}
