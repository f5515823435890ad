//! What the issuer remembers of each wallet client's pushes (docs/protocol.md section 9): the last
//! processed `seq` per (membership, client id), and the answer given to each processed mutation,
//! so that a mutation sent again gets the same answer and is not applied again.

use super::StoreError;
use sqlx::{AnyConnection, AnyPool, FromRow};
use wallet_core::sync::MutationOutcome;

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

/// The client's last processed `seq`, its row created if new and locked until the transaction
/// ends: a second request of the same client waits here, then sees this one's answers instead of
/// applying the same mutations again.
pub async fn claim_client(
    conn: &mut AnyConnection,
    membership_id: &str,
    client_id: &str,
) -> Result<i64, StoreError> {
    let last = sqlx::query_scalar(
        "INSERT INTO sync_clients (membership_id, client_id, last_seq) VALUES ($1, $2, 0) \
         ON CONFLICT (membership_id, client_id) DO UPDATE SET last_seq = sync_clients.last_seq \
         RETURNING last_seq",
    )
    .bind(membership_id)
    .bind(client_id)
    .fetch_one(conn)
    .await?;
    Ok(last)
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
) -> Result<(), StoreError> {
    let (status, code, message) = match processed.outcome {
        MutationOutcome::Applied => (APPLIED, None, None),
        MutationOutcome::Rejected { code, message } => {
            (REJECTED, Some(code.as_str()), Some(message.as_str()))
        }
    };
    sqlx::query(
        "INSERT INTO mutation_results \
         (membership_id, client_id, seq, mutation_id, name, status, code, message) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(membership_id)
    .bind(client_id)
    .bind(processed.seq)
    .bind(processed.mutation_id)
    .bind(processed.name)
    .bind(status)
    .bind(code)
    .bind(message)
    .execute(conn)
    .await?;
    Ok(())
}
