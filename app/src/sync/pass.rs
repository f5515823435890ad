//! One sync pass of one issuer: each of its memberships in turn, round trips until the outbox is
//! sent and no page of changes is left.

use crate::issuer_client::{self, IssuerError};
use crate::membership::StoredMembership;
use crate::platform::clock;
use crate::storage::records::OutboxRecord;
use crate::storage::{leaving, outbox, sync_store};
use wallet_core::loyalty::GroupInfo;
use wallet_core::sync::{
    error_code as sync_code, membership_leave, EntityKind, SyncRequest, MAX_MUTATIONS_PER_REQUEST,
};

/// Most round trips one membership gets in one sync (pages of changes, batches of mutations).
const MAX_ROUNDS: usize = 50;

/// How one issuer's memberships synced in a pass.
#[derive(Default)]
pub(super) struct IssuerPass {
    pub changed: bool,
    pub failed: bool,
    pub offline: bool,
}

/// How one membership's sync ended.
enum Outcome {
    Synced,
    Offline,
    Failed,
}

/// Syncs one issuer's memberships, one after the other.
pub(super) async fn sync_issuer(memberships: &[StoredMembership], client_id: &str) -> IssuerPass {
    let mut pass = IssuerPass::default();
    for membership in memberships {
        match sync_store::sync_state(membership.id.as_str()).await {
            Ok(state) if state.signed_out => continue,
            Ok(_) => {}
            Err(_) => {
                pass.failed = true;
                continue;
            }
        }
        let (outcome, did_change) = sync_membership(membership, client_id).await;
        pass.changed |= did_change;
        match outcome {
            Outcome::Synced => {}
            Outcome::Offline => pass.offline = true,
            Outcome::Failed => pass.failed = true,
        }
    }
    pass
}

/// Round trips for one membership until its outbox is empty and no page of changes is left.
/// Returns how it ended and whether anything was written.
async fn sync_membership(membership: &StoredMembership, client_id: &str) -> (Outcome, bool) {
    let id = membership.id.as_str();
    let mut changed = false;
    let mut client_id = client_id.to_owned();
    let mut renumbered = false;
    for _ in 0..MAX_ROUNDS {
        let (Ok(pending), Ok(state)) =
            (outbox::pending(id).await, sync_store::sync_state(id).await)
        else {
            return (Outcome::Failed, changed);
        };
        let sent: Vec<OutboxRecord> = pending
            .iter()
            .take(MAX_MUTATIONS_PER_REQUEST)
            .cloned()
            .collect();
        let request = SyncRequest {
            // A card moved from another phone syncs under that phone's id until a renumbering.
            client_id: state.client_id.clone().unwrap_or_else(|| client_id.clone()),
            cursor: state.cursor,
            mutations: sent.iter().map(OutboxRecord::to_mutation).collect(),
        };
        let response =
            match issuer_client::sync(&membership.issuer, &membership.token, &request).await {
                Ok(response) => response,
                // Leaving: the issuer may have applied the leave while its answer was lost, and
                // a signed-out card is of no use to someone who asked to leave.
                Err(IssuerError::Unauthorized) if membership.leaving => {
                    return forget(id, changed).await;
                }
                Err(IssuerError::Unauthorized) => {
                    let marked = sync_store::mark_signed_out(id).await.is_ok();
                    return (Outcome::Synced, changed || marked);
                }
                Err(IssuerError::Offline) => return (Outcome::Offline, changed),
                Err(error)
                    if !renumbered
                        && (error.is_code(sync_code::SEQ_GAP)
                            || error.is_code(sync_code::SEQ_CONFLICT)) =>
                {
                    // The issuer's record of our numbers and ours disagree: as the protocol
                    // says, take a new client id and renumber the queue, once per pass.
                    renumbered = true;
                    web_sys::console::warn_1(&format!("sync {id}: {error}, renumbering").into());
                    match sync_store::restart_numbering().await {
                        Ok(()) => match sync_store::client_id().await {
                            Ok(fresh) => client_id = fresh,
                            Err(_) => return (Outcome::Failed, changed),
                        },
                        Err(_) => return (Outcome::Failed, changed),
                    }
                    continue;
                }
                Err(error) => {
                    web_sys::console::warn_1(&format!("sync {id}: {error}").into());
                    return (Outcome::Failed, changed);
                }
            };
        let over_cap =
            match sync_store::apply_response(id, &sent, &response, clock::now_millis()).await {
                Ok(over_cap) => over_cap.is_some(),
                Err(error) => {
                    web_sys::console::error_1(&format!("sync {id}: {error}").into());
                    return (Outcome::Failed, changed);
                }
            };
        // A leave answered (applied, or refused: both are final) ends the membership here too.
        let leave = sent.iter().find(|m| m.name == membership_leave::NAME);
        if leave.is_some_and(|leave| response.last_processed_seq >= leave.seq) {
            return forget(id, changed).await;
        }
        if let Some(balance) = response
            .changes
            .iter()
            .rfind(|c| c.kind == EntityKind::PointsBalance && !c.deleted)
        {
            changed |= keep_group(membership, balance.data.as_ref()).await;
        }
        if response
            .changes
            .iter()
            .any(|c| c.kind == EntityKind::DrawSeed)
        {
            super::client_seed::seed_arrived(id);
        }
        // Only what views show counts: an answer with nothing new moved the cursor alone, and
        // re-reading every view's data after it (every 15 s on the card) was a long task with
        // 10,000 ledger entries.
        changed |= response.reset
            || !response.changes.is_empty()
            || !response.results.is_empty()
            || !sent.is_empty();
        let all_sent_processed = sent
            .last()
            .is_none_or(|last| response.last_processed_seq >= last.seq);
        let more_to_send = pending.len() > sent.len() && all_sent_processed;
        // Over a storage cap the next pages would only be dropped: fetch no more of them in this
        // sync (the outbox is still sent).
        let more_to_fetch = response.more && !over_cap;
        if !more_to_fetch && !more_to_send {
            return (Outcome::Synced, changed);
        }
    }
    (Outcome::Synced, changed)
}

/// Deletes what the wallet holds of a membership it left.
async fn forget(id: &str, changed: bool) -> (Outcome, bool) {
    match leaving::forget(id).await {
        Ok(()) => (Outcome::Synced, true),
        Err(error) => {
            web_sys::console::error_1(&format!("leaving {id}: {error}").into());
            (Outcome::Failed, changed)
        }
    }
}

/// Keeps the points balance's merchant group on the stored membership, when it changed. Derived
/// data: a failed write is tried again with the next balance.
async fn keep_group(membership: &StoredMembership, balance: Option<&serde_json::Value>) -> bool {
    let group = balance
        .and_then(|data| data.get("group"))
        .and_then(|group| serde_json::from_value::<GroupInfo>(group.clone()).ok());
    if group == membership.group {
        return false;
    }
    let id = membership.id.as_str();
    match crate::storage::database().await {
        Ok(db) => crate::storage::update_membership(&db, id, |m| m.group = group)
            .await
            .unwrap_or(false),
        Err(_) => false,
    }
}
