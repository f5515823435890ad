//! A full page of changes applied on top of stored entities: the apply reads only the entities
//! the page touches (all asked for at once), and still lets no older version win, for every
//! entity of the page, of several kinds, and leaves the membership's other entities alone.
#![cfg(target_arch = "wasm32")]

use serde_json::json;
use wallet_app::storage::{self, sync_store};
use wallet_core::sync::{Change, EntityKind, SyncResponse};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn entry(kind: EntityKind, id: usize, version: u64, note: &str) -> Change {
    Change {
        kind,
        id: format!("e{id:04}"),
        version,
        deleted: false,
        data: Some(json!({ "note": note })),
    }
}

fn page(changes: Vec<Change>) -> SyncResponse {
    SyncResponse {
        results: vec![],
        last_processed_seq: 0,
        changes,
        cursor: "c".into(),
        more: false,
        reset: false,
    }
}

#[wasm_bindgen_test]
async fn a_full_page_over_stored_entities_keeps_the_newest_of_each() {
    let membership = "APPLYPAGE001";
    storage::database().await.unwrap();
    // Stored: 400 ledger entries and 100 coupons at version 10.
    let mut first: Vec<Change> = (0..400)
        .map(|i| entry(EntityKind::LedgerEntry, i, 10, "stored"))
        .collect();
    first.extend((0..100).map(|i| entry(EntityKind::Coupon, i, 10, "stored")));
    sync_store::apply_response(membership, &[], &page(first), 0.0)
        .await
        .unwrap();

    // A page of 500: entries 0..300 (even ones older than stored, odd ones newer), coupons 0..100
    // (all older), and 100 new entries 400..500.
    let mut second: Vec<Change> = (0..300)
        .map(|i| {
            let (version, note) = if i % 2 == 0 {
                (5, "older")
            } else {
                (20, "newer")
            };
            entry(EntityKind::LedgerEntry, i, version, note)
        })
        .collect();
    second.extend((0..100).map(|i| entry(EntityKind::Coupon, i, 7, "older")));
    second.extend((400..500).map(|i| entry(EntityKind::LedgerEntry, i, 30, "new")));
    sync_store::apply_response(membership, &[], &page(second), 0.0)
        .await
        .unwrap();

    let stored = sync_store::entities_of(membership).await.unwrap();
    assert_eq!(stored.len(), 600);
    for record in &stored {
        let index: usize = record.id[1..].parse().unwrap();
        let expected = match (&record.kind, index) {
            (EntityKind::Coupon, _) => (10, "stored"),
            (_, i) if i >= 400 => (30, "new"),
            (_, i) if i >= 300 => (10, "stored"),
            (_, i) if i % 2 == 0 => (10, "stored"),
            _ => (20, "newer"),
        };
        assert_eq!(
            (
                record.version,
                record.data.as_ref().unwrap()["note"].as_str().unwrap()
            ),
            expected,
            "{:?} {}",
            record.kind,
            record.id
        );
    }
}
