//! `POST /v1/sync`: one round trip pushes the wallet's queued mutations, then pulls the
//! membership's changes since its cursor (docs/protocol.md section 9).
//!
//! Push: in one transaction, each mutation after the client's last processed `seq` is applied or
//! rejected, its answer stored, and the new last processed `seq` recorded. A mutation sent again
//! (its `seq` already processed) gets the stored answer and is not applied again. So a lost
//! response, a resend, or two requests of one client racing never apply anything twice.

use crate::app::AppState;
use crate::auth::Member;
use crate::entities;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::loyalty;
use crate::mutations::{self, shorten};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sqlx::FromRow;
use sqlx::{AnyConnection, Connection};
use wallet_core::sync::error_code::{SEQ_CONFLICT, SEQ_GAP};
use wallet_core::sync::{
    Mutation, MutationOutcome, MutationResult, SyncRequest, SyncResponse, MAX_ID_LEN,
    MAX_MUTATIONS_PER_REQUEST, MAX_MUTATION_NAME_LEN,
};

const APPLIED: &str = "applied";
const REJECTED: &str = "rejected";

pub async fn sync(
    State(state): State<AppState>,
    member: Member,
    ApiJson(request): ApiJson<SyncRequest>,
) -> Result<Json<SyncResponse>, ApiError> {
    check(&request)?;
    let membership_id = member.membership_id.as_str();
    // Expiries and the birthday coupon first, so mutations (an exchange) and the pull see the
    // member's state as of now.
    loyalty::housekeeping(&state, membership_id).await?;
    let (results, last_processed_seq) = if request.mutations.is_empty() {
        (
            Vec::new(),
            last_processed(&state, membership_id, &request.client_id).await?,
        )
    } else {
        push(&state, membership_id, &request).await?
    };
    // After the push has committed, so the pull shows the push's effects.
    let page = entities::pull(&state.db, membership_id, request.cursor.as_deref()).await?;
    Ok(Json(SyncResponse {
        results,
        last_processed_seq,
        changes: page.changes,
        cursor: page.cursor,
        more: page.more,
        reset: page.reset,
    }))
}

/// What the request must be before anything is looked up: bounded, and mutations numbered
/// 1, 2, 3... in order without holes.
fn check(request: &SyncRequest) -> Result<(), ApiError> {
    if request.client_id.is_empty() || request.client_id.len() > MAX_ID_LEN {
        return Err(ApiError::bad_request(format!(
            "client_id must be 1 to {MAX_ID_LEN} bytes"
        )));
    }
    if request.mutations.len() > MAX_MUTATIONS_PER_REQUEST {
        return Err(ApiError::bad_request(format!(
            "at most {MAX_MUTATIONS_PER_REQUEST} mutations per request; send the rest in the next one"
        )));
    }
    for mutation in &request.mutations {
        if mutation.seq == 0 || i64::try_from(mutation.seq).is_err() {
            return Err(ApiError::bad_request(
                "a mutation's seq is a number from 1 up",
            ));
        }
        if mutation.id.is_empty() || mutation.id.len() > MAX_ID_LEN {
            return Err(ApiError::bad_request(format!(
                "a mutation's id must be 1 to {MAX_ID_LEN} bytes"
            )));
        }
    }
    if request
        .mutations
        .windows(2)
        .any(|pair| pair[1].seq != pair[0].seq + 1)
    {
        return Err(ApiError::bad_request(
            "mutations must be in seq order without holes (seq n, n+1, n+2...)",
        ));
    }
    Ok(())
}

async fn last_processed(
    state: &AppState,
    membership_id: &str,
    client_id: &str,
) -> Result<u64, ApiError> {
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT last_seq FROM sync_clients WHERE membership_id = $1 AND client_id = $2",
    )
    .bind(membership_id)
    .bind(client_id)
    .fetch_optional(&state.db)
    .await?;
    Ok(to_seq(last.unwrap_or(0)))
}

async fn push(
    state: &AppState,
    membership_id: &str,
    request: &SyncRequest,
) -> Result<(Vec<MutationResult>, u64), ApiError> {
    let client_id = request.client_id.as_str();
    // A connection first, then the turn to write (see `write_gate`).
    let conn = state.db.acquire().await?;
    let mut writer = state.write_gate.writer(conn).await?;
    let mut tx = writer.begin().await?;
    // The first statement writes: it locks this client's row (PostgreSQL) or the database
    // (SQLite) until commit, so a second request of the same client waits here and then sees
    // this one's answers instead of applying the same mutations again.
    let mut last: i64 = sqlx::query_scalar(
        "INSERT INTO sync_clients (membership_id, client_id, last_seq) VALUES ($1, $2, 0) \
         ON CONFLICT (membership_id, client_id) DO UPDATE SET last_seq = sync_clients.last_seq \
         RETURNING last_seq",
    )
    .bind(membership_id)
    .bind(client_id)
    .fetch_one(&mut *tx)
    .await?;
    let first_last = last;
    let context = mutations::Context {
        programs: &state.programs,
        now: loyalty::now_i64(state),
    };

    let mut results = Vec::with_capacity(request.mutations.len());
    for mutation in &request.mutations {
        let seq =
            i64::try_from(mutation.seq).map_err(|_| ApiError::bad_request("seq too large"))?;
        let outcome = if seq <= last {
            stored_outcome(&mut tx, membership_id, client_id, mutation, seq).await?
        } else if seq == last + 1 {
            let outcome = mutations::apply(&mut tx, &context, membership_id, mutation).await?;
            store_outcome(&mut tx, membership_id, client_id, mutation, seq, &outcome).await?;
            last = seq;
            outcome
        } else {
            // Checked contiguous, so only the first new mutation can be past last + 1.
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                SEQ_GAP,
                format!(
                    "this client's next mutation must have seq {}, not {}; nothing was applied",
                    last + 1,
                    mutation.seq
                ),
            ));
        };
        results.push(MutationResult {
            seq: mutation.seq,
            id: mutation.id.clone(),
            outcome,
        });
    }
    if last != first_last {
        sqlx::query(
            "UPDATE sync_clients SET last_seq = $1 WHERE membership_id = $2 AND client_id = $3",
        )
        .bind(last)
        .bind(membership_id)
        .bind(client_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    // "Everything up to here is processed", capped at what this request sent: another request
    // of the same client may have gone further, and a wallet refuses an answer that claims more
    // than it asked about (`SyncResponse::validate`). A lower number is still true.
    let highest_sent = request.mutations.last().map_or(0, |m| m.seq);
    Ok((results, to_seq(last).min(highest_sent)))
}

#[derive(FromRow)]
struct StoredResult {
    mutation_id: String,
    status: String,
    code: Option<String>,
    message: Option<String>,
}

/// The answer given when this `seq` was processed. The same `seq` with another mutation id means
/// two outboxes share this client id: answering with the stored result would tell the wallet
/// its mutation was processed when it was not.
async fn stored_outcome(
    conn: &mut AnyConnection,
    membership_id: &str,
    client_id: &str,
    mutation: &Mutation,
    seq: i64,
) -> Result<MutationOutcome, ApiError> {
    let stored: Option<StoredResult> = sqlx::query_as(
        "SELECT mutation_id, status, code, message FROM mutation_results \
         WHERE membership_id = $1 AND client_id = $2 AND seq = $3",
    )
    .bind(membership_id)
    .bind(client_id)
    .bind(seq)
    .fetch_optional(conn)
    .await?;
    let stored = stored.ok_or_else(|| {
        ApiError::internal(format!(
            "membership {membership_id}: no stored result for processed seq {seq}"
        ))
    })?;
    if stored.mutation_id != mutation.id {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            SEQ_CONFLICT,
            format!(
                "seq {seq} of this client was already used by another mutation; \
                 this client id is in use elsewhere: start again with a new client id"
            ),
        ));
    }
    match stored.status.as_str() {
        APPLIED => Ok(MutationOutcome::Applied),
        REJECTED => Ok(MutationOutcome::Rejected {
            code: stored.code.unwrap_or_default(),
            message: stored.message.unwrap_or_default(),
        }),
        other => Err(ApiError::internal(format!(
            "membership {membership_id}: stored result status {other:?}"
        ))),
    }
}

async fn store_outcome(
    conn: &mut AnyConnection,
    membership_id: &str,
    client_id: &str,
    mutation: &Mutation,
    seq: i64,
    outcome: &MutationOutcome,
) -> Result<(), ApiError> {
    let (status, code, message) = match outcome {
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
    .bind(seq)
    .bind(&mutation.id)
    .bind(shorten(&mutation.name, MAX_MUTATION_NAME_LEN))
    .bind(status)
    .bind(code)
    .bind(message)
    .execute(conn)
    .await?;
    Ok(())
}

fn to_seq(stored: i64) -> u64 {
    u64::try_from(stored).unwrap_or(0)
}
