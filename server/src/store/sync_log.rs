//! What the issuer remembers of each wallet client's pushes (docs/protocol.md section 9.4): the
//! last processed `seq` per (membership, client id), and the answer given to each processed
//! mutation, so that a mutation sent again gets the same answer and is not applied again.
//!
//! Both are bounded, so one token cannot fill the disk: a membership has at most
//! `MAX_CLIENTS_PER_MEMBERSHIP` clients (the one idle longest makes room once it has been idle for
//! `CLIENT_IDLE_SECS`), and a client's answers below the first `seq` of its latest push, which a
//! wallet never sends again, are forgotten once they are `KEEP_PASSED_ANSWERS_SECS` old, and
//! beyond the newest `MAX_PASSED_ANSWERS` of them at once. Kept a while, they let an operator (and
//! the e2e suite) see what each client pushed.

use super::StoreError;
use sqlx::{AnyConnection, AnyPool, FromRow};
use wallet_core::sync::MutationOutcome;

/// Installations (phones, tablets, LINE's browser) one membership may push from.
pub const MAX_CLIENTS_PER_MEMBERSHIP: usize = 10;
/// How long a membership's client must have been idle before a new one may take its place.
pub const CLIENT_IDLE_SECS: i64 = 30 * 24 * 3600;

/// How long a client's answers below its latest push are kept.
pub const KEEP_PASSED_ANSWERS_SECS: i64 = 3600;
/// The most answers below its latest push a client keeps, whatever their age.
pub const MAX_PASSED_ANSWERS: i64 = 1000;

const APPLIED: &str = "applied";
const REJECTED: &str = "rejected";

/// The client's last processed `seq` (0: none yet).
pub async fn last_processed(
    db: &AnyPool,
    membership_id: &str,
    client_id: &str,
) -> Result<i64, StoreError> {
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT last_seq FROM sync_clients WHERE membership_id = $1 AND client_id = $2",
    )
    .bind(membership_id)
    .bind(client_id)
    .fetch_optional(db)
    .await?;
    Ok(last.unwrap_or(0))
}

/// A pushing client as `claim_client` found it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Its last processed `seq` (0 for a new client).
    LastProcessed(i64),
    /// A new client, and the membership has its `MAX_CLIENTS_PER_MEMBERSHIP` in use.
    TooManyClients,
}

/// The client's last processed `seq`, its row created if new (making room by forgetting the
/// membership's client idle longest, if it has been idle `CLIENT_IDLE_SECS`) and locked until the
/// transaction ends: a second request of the same client waits here, then sees this one's answers
/// instead of applying the same mutations again.
pub async fn claim_client(
    conn: &mut AnyConnection,
    membership_id: &str,
    client_id: &str,
    now: i64,
) -> Result<Claim, StoreError> {
    let known: Option<i64> = sqlx::query_scalar(
        "UPDATE sync_clients SET last_seen = $3 WHERE membership_id = $1 AND client_id = $2 \
         RETURNING last_seq",
    )
    .bind(membership_id)
    .bind(client_id)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(last) = known {
        return Ok(Claim::LastProcessed(last));
    }
    let clients: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sync_clients WHERE membership_id = $1")
            .bind(membership_id)
            .fetch_one(&mut *conn)
            .await?;
    if clients >= MAX_CLIENTS_PER_MEMBERSHIP as i64 {
        let idle: Option<String> = sqlx::query_scalar(
            "SELECT client_id FROM sync_clients WHERE membership_id = $1 AND last_seen <= $2 \
             ORDER BY last_seen LIMIT 1",
        )
        .bind(membership_id)
        .bind(now - CLIENT_IDLE_SECS)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(idle) = idle else {
            return Ok(Claim::TooManyClients);
        };
        forget_client(conn, membership_id, &idle).await?;
    }
    sqlx::query(
        "INSERT INTO sync_clients (membership_id, client_id, last_seq, last_seen) \
         VALUES ($1, $2, 0, $3)",
    )
    .bind(membership_id)
    .bind(client_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(Claim::LastProcessed(0))
}

/// Forgets a client: its numbering and its answers. If it pushes again it is told `seq_gap`
/// and starts over with a new client id.
async fn forget_client(
    conn: &mut AnyConnection,
    membership_id: &str,
    client_id: &str,
) -> Result<(), StoreError> {
    for table in ["mutation_results", "sync_clients"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE membership_id = $1 AND client_id = $2"
        ))
        .bind(membership_id)
        .bind(client_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Forgets answers of the client below `seq` that are old or too many: a push starting at `seq`
/// means the wallet has dropped every mutation before it and will never send them again.
pub async fn forget_passed_answers(
    conn: &mut AnyConnection,
    membership_id: &str,
    client_id: &str,
    seq: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM mutation_results WHERE membership_id = $1 AND client_id = $2 AND seq < $3 \
         AND (created_at < $4 OR seq < $5)",
    )
    .bind(membership_id)
    .bind(client_id)
    .bind(seq)
    .bind(now - KEEP_PASSED_ANSWERS_SECS)
    .bind(seq - MAX_PASSED_ANSWERS)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_last_processed(
    conn: &mut AnyConnection,
    membership_id: &str,
    client_id: &str,
    last: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE sync_clients SET last_seq = $1 WHERE membership_id = $2 AND client_id = $3",
    )
    .bind(last)
    .bind(membership_id)
    .bind(client_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The answer given to a processed mutation, and the id of the mutation it was given to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredOutcome {
    pub mutation_id: String,
    pub outcome: MutationOutcome,
}

/// The answer given when this client's `seq` was processed; `None` if there is none.
pub async fn stored_outcome(
    conn: &mut AnyConnection,
    membership_id: &str,
    client_id: &str,
    seq: i64,
) -> Result<Option<StoredOutcome>, StoreError> {
    #[derive(FromRow)]
    struct Row {
        mutation_id: String,
        status: String,
        code: Option<String>,
        message: Option<String>,
    }
    let row: Option<Row> = sqlx::query_as(
        "SELECT mutation_id, status, code, message FROM mutation_results \
         WHERE membership_id = $1 AND client_id = $2 AND seq = $3",
    )
    .bind(membership_id)
    .bind(client_id)
    .bind(seq)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let outcome = match row.status.as_str() {
        APPLIED => MutationOutcome::Applied,
        REJECTED => MutationOutcome::Rejected {
            code: row.code.unwrap_or_default(),
            message: row.message.unwrap_or_default(),
        },
        other => {
            return Err(StoreError::corrupt(format!(
                "membership {membership_id}: stored result status {other:?}"
            )))
        }
    };
    Ok(Some(StoredOutcome {
        mutation_id: row.mutation_id,
        outcome,
    }))
}

/// One processed mutation's answer, as `store_outcome` records it.
pub struct ProcessedMutation<'a> {
    pub seq: i64,
    pub mutation_id: &'a str,
    /// Its name as sent, shortened: for an operator reading the table.
    pub name: &'a str,
    pub outcome: &'a MutationOutcome,
}

pub async fn store_outcome(
    conn: &mut AnyConnection,
    membership_id: &str,
    client_id: &str,
    processed: &ProcessedMutation<'_>,
    now: i64,
) -> Result<(), StoreError> {
    let (status, code, message) = match processed.outcome {
        MutationOutcome::Applied => (APPLIED, None, None),
        MutationOutcome::Rejected { code, message } => {
            (REJECTED, Some(code.as_str()), Some(message.as_str()))
        }
    };
    sqlx::query(
        "INSERT INTO mutation_results \
         (membership_id, client_id, seq, mutation_id, name, status, code, message, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(membership_id)
    .bind(client_id)
    .bind(processed.seq)
    .bind(processed.mutation_id)
    .bind(processed.name)
    .bind(status)
    .bind(code)
    .bind(message)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
