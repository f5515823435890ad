//! `POST /v1/sync`: one round trip pushes the wallet's queued mutations, then pulls the
//! membership's changes since its cursor (docs/protocol.md section 9).
//!
//! Push: in one transaction, each mutation after the client's last processed `seq` is applied or
//! rejected, its answer stored, and the new last processed `seq` recorded. A mutation sent again
//! (its `seq` already processed) gets the stored answer and is not applied again. So a lost
//! response, a resend, or two requests of one client racing never apply anything twice.

use super::auth::Member;
use super::client_address::client_key;
use super::error::ApiError;
use super::json::ApiJson;
use crate::loyalty::{housekeeping, mutations};
use crate::state::AppState;
use crate::store::sync_log::{self, Claim, ProcessedMutation};
use crate::store::{entities, WriteTx};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use std::net::SocketAddr;
use wallet_core::mutation::shorten;
use wallet_core::sync::error_code::{SEQ_CONFLICT, SEQ_GAP};
use wallet_core::sync::{
    Mutation, MutationOutcome, MutationResult, SyncRequest, SyncResponse, MAX_ID_LEN,
    MAX_MUTATIONS_PER_REQUEST, MAX_MUTATION_NAME_LEN,
};

pub async fn sync(
    State(state): State<AppState>,
    member: Member,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<SyncRequest>,
) -> Result<Json<SyncResponse>, ApiError> {
    let membership_id = member.membership_id.as_str();
    if let Some(limits) = &state.syncs {
        let now = state.clock.now_unix();
        if let Some(client) = client_key(&state, peer, &headers) {
            limits
                .per_address
                .take(&client, now)
                .map_err(ApiError::too_many_syncs)?;
        }
        limits
            .per_membership
            .take(membership_id, now)
            .map_err(ApiError::too_many_syncs)?;
    }
    check(&request)?;
    // Expiries and the birthday coupon first, so mutations (an exchange) and the pull see the
    // member's state as of now.
    housekeeping::before_sync(&state.store, &state.rules, membership_id, state.now()).await?;
    let (results, last_processed_seq) = if request.mutations.is_empty() {
        let last =
            sync_log::last_processed(&state.store.pool, membership_id, &request.client_id).await?;
        (Vec::new(), to_seq(last))
    } else {
        push(&state, membership_id, &request).await?
    };
    // After the push has committed, so the pull shows the push's effects.
    let page = entities::pull(&state.store.pool, membership_id, request.cursor.as_deref()).await?;
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

async fn push(
    state: &AppState,
    membership_id: &str,
    request: &SyncRequest,
) -> Result<(Vec<MutationResult>, u64), ApiError> {
    let client_id = request.client_id.as_str();
    let now = state.now();
    let mut tx = state.store.write().await?;
    let mut last = match sync_log::claim_client(&mut tx, membership_id, client_id, now).await? {
        Claim::LastProcessed(last) => last,
        Claim::TooManyClients => return Err(ApiError::too_many_clients()),
    };
    let first_last = last;
    if let Some(first) = request.mutations.first() {
        let first = i64::try_from(first.seq).map_err(|_| ApiError::bad_request("seq too large"))?;
        sync_log::forget_passed_answers(&mut tx, membership_id, client_id, first, now).await?;
    }

    let mut results = Vec::with_capacity(request.mutations.len());
    for mutation in &request.mutations {
        let seq =
            i64::try_from(mutation.seq).map_err(|_| ApiError::bad_request("seq too large"))?;
        let outcome = if seq <= last {
            match stored_outcome(&mut tx, membership_id, client_id, mutation, seq).await? {
                Some(outcome) => outcome,
                // Forgotten (the wallet had moved past it): processed, as last_processed_seq
                // says; no answer of its own (docs/protocol.md 9.4).
                None => continue,
            }
        } else if seq == last + 1 {
            let outcome =
                mutations::apply(&mut tx, &state.rules, membership_id, mutation, now).await?;
            // Stored now, so that the next mutation of this push reads what this one wrote.
            tx.flush().await?;
            let processed = ProcessedMutation {
                seq,
                mutation_id: &mutation.id,
                name: shorten(&mutation.name, MAX_MUTATION_NAME_LEN),
                outcome: &outcome,
            };
            sync_log::store_outcome(&mut tx, membership_id, client_id, &processed, now).await?;
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
        sync_log::set_last_processed(&mut tx, membership_id, client_id, last).await?;
    }
    tx.commit().await?;
    // "Everything up to here is processed", capped at what this request sent: another request
    // of the same client may have gone further, and a wallet refuses an answer that claims more
    // than it asked about (`SyncResponse::validate`). A lower number is still true.
    let highest_sent = request.mutations.last().map_or(0, |m| m.seq);
    Ok((results, to_seq(last).min(highest_sent)))
}

/// The answer given when this `seq` was processed (`None`: forgotten). The same `seq` with
/// another mutation id means two outboxes share this client id: answering with the stored result
/// would tell the wallet its mutation was processed when it was not.
async fn stored_outcome(
    tx: &mut WriteTx<'_>,
    membership_id: &str,
    client_id: &str,
    mutation: &Mutation,
    seq: i64,
) -> Result<Option<MutationOutcome>, ApiError> {
    let Some(stored) = sync_log::stored_outcome(tx, membership_id, client_id, seq).await? else {
        return Ok(None);
    };
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
    Ok(Some(stored.outcome))
}

fn to_seq(stored: i64) -> u64 {
    u64::try_from(stored).unwrap_or(0)
}
