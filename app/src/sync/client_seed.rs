//! The wallet's half of the prize draws' commitment (protocol.md §14.1): once the issuer has sent
//! a committed seed, the wallet queues its own random client seed for it, so the issuer (which
//! committed first) cannot steer an outcome and every ticket is drawn as it is issued.

use super::SyncEngine;
use crate::storage::records::OutboxRecord;
use crate::storage::{outbox, sync_store, StorageError};
use std::cell::RefCell;
use wallet_core::fair_draw::ClientSeed;
use wallet_core::sync::EntityKind;
use wallet_core::wallet::{seed_needing_client_seed, QueuedAction};
use wallet_core::Intent;

thread_local! {
    /// Memberships whose last answer brought a `draw_seed` change.
    static SEED_NEWS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// Memberships looked at in this page: each is looked at once without news too, for a seed
    /// that arrived while a tab closed before its client seed was queued.
    static LOOKED_AT: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The sync pass saw a `draw_seed` change for the membership.
pub fn seed_arrived(membership_id: &str) {
    SEED_NEWS.with(|news| news.borrow_mut().push(membership_id.to_owned()));
}

/// Queues `draw.set_client_seed` for the membership's current seed if it has none yet. Reads
/// IndexedDB only when a seed arrived, or the first time in this page.
pub async fn queue_if_needed(engine: &SyncEngine, membership_id: &str) -> Result<(), StorageError> {
    // Vecs, not sets: a handful of memberships, and no set type's code on the first screen.
    let news = SEED_NEWS.with(|news| {
        let mut news = news.borrow_mut();
        let had = news.iter().any(|id| id == membership_id);
        news.retain(|id| id != membership_id);
        had
    });
    let first_look = LOOKED_AT.with(|seen| {
        let mut seen = seen.borrow_mut();
        let first = !seen.iter().any(|id| id == membership_id);
        if first {
            seen.push(membership_id.to_owned());
        }
        first
    });
    if !news && !first_look {
        return Ok(());
    }
    let records = sync_store::entities_of_kinds(membership_id, &[EntityKind::DrawSeed]).await?;
    let seeds: Vec<(&str, &serde_json::Value)> = records
        .iter()
        .filter(|r| !r.deleted)
        .filter_map(|r| Some((r.id.as_str(), r.data.as_ref()?)))
        .collect();
    if seeds.is_empty() {
        return Ok(());
    }
    let queued = outbox::pending(membership_id).await?;
    let actions: Vec<QueuedAction> = queued.iter().map(OutboxRecord::action).collect();
    let needing = seed_needing_client_seed(seeds, &actions);
    let Some(seed_id) = needing else {
        return Ok(());
    };
    // A UUID from the browser's cryptographic random source: 36 of `0-9 a-f -`.
    let Some(client_seed) = ClientSeed::parse(&crate::platform::random_uuid()) else {
        return Ok(());
    };
    let intent = Intent::SetClientSeed {
        seed_id: seed_id.to_owned(),
        client_seed,
    };
    engine.queue(membership_id, intent).await.map(|_| ())
}
