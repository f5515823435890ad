//! What one issuer may store of a membership (protocol.md §9.12), against real IndexedDB: the
//! tally kept in the sync state, counted once for a wallet from before the caps, and cleared by a
//! reset that fits.
#![cfg(target_arch = "wasm32")]

use serde_json::json;
use wallet_app::storage::{self, records::SyncStateRecord, sync_store, SYNC_STATE};
use wallet_core::sync::{Change, EntityKind, SyncResponse};
use wallet_core::wallet::{CapReached, MAX_UNKNOWN_KIND_ENTITIES};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn hologram(n: u32) -> Change {
    Change {
        kind: EntityKind::Other("hologram".into()),
        id: format!("h{n}"),
        version: u64::from(n) + 1,
        deleted: false,
        data: Some(json!({ "n": n })),
    }
}

fn page(changes: Vec<Change>, reset: bool) -> SyncResponse {
    SyncResponse {
        results: vec![],
        last_processed_seq: 0,
        changes,
        cursor: "c".into(),
        more: false,
        reset,
    }
}

/// Writes the state as a wallet from before the caps left it: no tally.
async fn forget_the_tally(state: SyncStateRecord) {
    let db = storage::database().await.unwrap();
    let transaction = db
        .transaction(&[SYNC_STATE], rexie::TransactionMode::ReadWrite)
        .unwrap();
    let older = SyncStateRecord {
        usage: None,
        ..state
    };
    transaction
        .store(SYNC_STATE)
        .unwrap()
        .put(&serde_wasm_bindgen::to_value(&older).unwrap(), None)
        .await
        .unwrap();
    transaction.done().await.unwrap();
}

#[wasm_bindgen_test]
async fn an_older_wallet_counts_what_it_holds_and_stops_at_the_cap() {
    let id = "CAPS00000001";
    // Opening through rexie creates the schema the raw connection relies on.
    storage::database().await.unwrap();
    let under_cap: Vec<Change> = (0..MAX_UNKNOWN_KIND_ENTITIES - 1).map(hologram).collect();
    let over = sync_store::apply_response(id, &[], &page(under_cap, false), 0.0)
        .await
        .unwrap();
    assert_eq!(over, None);
    let state = sync_store::sync_state(id).await.unwrap();
    assert_eq!(
        state.usage.unwrap().unknown_kind_entities,
        MAX_UNKNOWN_KIND_ENTITIES - 1
    );
    forget_the_tally(state).await;

    // Two more: the first fits, the second would pass the cap and is dropped.
    let extra = vec![hologram(10_000), hologram(10_001)];
    let over = sync_store::apply_response(id, &[], &page(extra, false), 0.0)
        .await
        .unwrap();
    assert_eq!(over, Some(CapReached::UnknownKinds));
    let held = sync_store::entities_of(id).await.unwrap();
    assert_eq!(held.len() as u32, MAX_UNKNOWN_KIND_ENTITIES);
    assert!(held.iter().any(|e| e.id == "h10000"));
    assert!(!held.iter().any(|e| e.id == "h10001"));
    let state = sync_store::sync_state(id).await.unwrap();
    assert_eq!(state.cursor.as_deref(), Some("c"), "the cursor moves on");
    assert_eq!(state.over_cap, Some(CapReached::UnknownKinds));

    // The issuer starts over with what fits: the card is no longer over a cap.
    let membership = Change {
        kind: EntityKind::Membership,
        id: id.into(),
        version: 20_000,
        deleted: false,
        data: Some(json!({ "display_name": null })),
    };
    let over = sync_store::apply_response(id, &[], &page(vec![membership], true), 0.0)
        .await
        .unwrap();
    assert_eq!(over, None);
    let state = sync_store::sync_state(id).await.unwrap();
    assert_eq!(state.over_cap, None);
    assert_eq!(state.usage.unwrap().entities, 1);
    assert_eq!(sync_store::entities_of(id).await.unwrap().len(), 1);
}
