//! The outbox and the one-transaction apply of a sync answer, against real IndexedDB.
#![cfg(target_arch = "wasm32")]

use serde_json::json;
use wallet_app::storage::{self, outbox, sync_store};
use wallet_core::sync::{Change, EntityKind, MutationOutcome, MutationResult, SyncResponse};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn fresh(membership_id: &str) {
    // Opening through rexie creates (or upgrades) the schema the raw connection relies on.
    storage::database().await.unwrap();
    for record in outbox::pending(membership_id).await.unwrap() {
        let _ = record;
    }
}

fn change(id: &str, version: u64, deleted: bool, name: &str) -> Change {
    Change {
        kind: EntityKind::Membership,
        id: id.into(),
        version,
        deleted,
        data: (!deleted).then(|| json!({ "display_name": name })),
    }
}

#[wasm_bindgen_test]
async fn queued_actions_get_consecutive_numbers_and_stay_queued() {
    fresh("OUTBOX000001").await;
    for name in ["a", "b", "c"] {
        outbox::append(
            "OUTBOX000001",
            "profile.update",
            json!({ "display_name": name }),
            0,
        )
        .await
        .unwrap();
    }
    let pending = outbox::pending("OUTBOX000001").await.unwrap();
    assert_eq!(
        pending.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(pending[2].args["display_name"], "c");
    // Another membership's outbox is separate and numbered on its own.
    outbox::append("OUTBOX000002", "profile.update", json!({}), 0)
        .await
        .unwrap();
    assert_eq!(outbox::pending("OUTBOX000002").await.unwrap()[0].seq, 1);
    assert_eq!(outbox::pending("OUTBOX000001").await.unwrap().len(), 3);
}

#[wasm_bindgen_test]
async fn an_answer_removes_what_it_answered_and_keeps_the_rest() {
    let id = "APPLY0000001";
    fresh(id).await;
    for name in ["one", "two", "three"] {
        outbox::append(id, "profile.update", json!({ "display_name": name }), 0)
            .await
            .unwrap();
    }
    let sent = outbox::pending(id).await.unwrap();
    // The issuer processed the first two (one applied, one rejected) and not the third yet.
    let response = SyncResponse {
        results: vec![
            MutationResult {
                seq: 1,
                id: sent[0].id.clone(),
                outcome: MutationOutcome::Applied,
            },
            MutationResult {
                seq: 2,
                id: sent[1].id.clone(),
                outcome: MutationOutcome::Rejected {
                    code: "invalid_arguments".into(),
                    message: "no".into(),
                },
            },
        ],
        last_processed_seq: 2,
        changes: vec![change(id, 7, false, "one")],
        cursor: "v:7".into(),
        more: false,
        reset: false,
    };
    sync_store::apply_response(id, &sent[..2], &response, 1000.0)
        .await
        .unwrap();

    let left = outbox::pending(id).await.unwrap();
    assert_eq!(left.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![3]);
    let rejected = sync_store::rejected_of(id).await.unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].code, "invalid_arguments");
    let state = sync_store::sync_state(id).await.unwrap();
    assert_eq!(state.cursor.as_deref(), Some("v:7"));
    assert_eq!(state.next_seq, 4, "numbers are never reused");
    let entities = sync_store::entities_of(id).await.unwrap();
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0].data.as_ref().unwrap()["display_name"], "one");
}

#[wasm_bindgen_test]
async fn older_versions_never_win_and_tombstones_hide() {
    let id = "VERSION00001";
    fresh(id).await;
    let apply = |changes: Vec<Change>, reset: bool| SyncResponse {
        results: vec![],
        last_processed_seq: 0,
        changes,
        cursor: "c".into(),
        more: false,
        reset,
    };
    sync_store::apply_response(
        id,
        &[],
        &apply(vec![change(id, 5, false, "new")], false),
        0.0,
    )
    .await
    .unwrap();
    sync_store::apply_response(
        id,
        &[],
        &apply(vec![change(id, 3, false, "old")], false),
        0.0,
    )
    .await
    .unwrap();
    let shown = sync_store::entities_of(id).await.unwrap();
    assert_eq!(shown[0].data.as_ref().unwrap()["display_name"], "new");

    sync_store::apply_response(id, &[], &apply(vec![change(id, 6, true, "")], false), 0.0)
        .await
        .unwrap();
    assert!(
        sync_store::entities_of(id).await.unwrap().is_empty(),
        "a tombstone hides the entity"
    );
    sync_store::apply_response(
        id,
        &[],
        &apply(vec![change(id, 4, false, "zombie")], false),
        0.0,
    )
    .await
    .unwrap();
    assert!(
        sync_store::entities_of(id).await.unwrap().is_empty(),
        "an older change cannot revive it"
    );

    // A reset replaces everything with what the issuer sends now, even at a lower version.
    sync_store::apply_response(
        id,
        &[],
        &apply(vec![change(id, 2, false, "fresh")], true),
        0.0,
    )
    .await
    .unwrap();
    let shown = sync_store::entities_of(id).await.unwrap();
    assert_eq!(shown[0].data.as_ref().unwrap()["display_name"], "fresh");
}

#[wasm_bindgen_test]
async fn the_client_id_is_made_once() {
    fresh("CLIENT000001").await;
    let first = sync_store::client_id().await.unwrap();
    assert_eq!(first.len(), 36, "a UUID");
    assert_eq!(sync_store::client_id().await.unwrap(), first);
}

#[wasm_bindgen_test]
async fn entities_of_kinds_reads_only_those_kinds_of_that_membership() {
    let id = "KINDS0000001";
    fresh(id).await;
    let entity = |kind: EntityKind, entity_id: &str, deleted: bool| Change {
        kind,
        id: entity_id.into(),
        version: 1,
        deleted,
        data: (!deleted).then(|| json!({})),
    };
    let changes = vec![
        entity(EntityKind::Membership, id, false),
        entity(EntityKind::PointsBalance, "points-1", false),
        entity(EntityKind::LedgerEntry, "entry-1", false),
        entity(EntityKind::LedgerEntry, "entry-2", false),
        entity(EntityKind::Coupon, "coupon-1", false),
        entity(EntityKind::Coupon, "coupon-2", true),
    ];
    let response = SyncResponse {
        results: vec![],
        last_processed_seq: 0,
        changes,
        cursor: "c".into(),
        more: false,
        reset: false,
    };
    sync_store::apply_response(id, &[], &response, 0.0)
        .await
        .unwrap();
    // Another membership's coupon is not ours.
    let other = SyncResponse {
        changes: vec![entity(EntityKind::Coupon, "coupon-9", false)],
        ..response.clone()
    };
    sync_store::apply_response("KINDS0000002", &[], &other, 0.0)
        .await
        .unwrap();

    let mut read: Vec<(EntityKind, String)> =
        sync_store::entities_of_kinds(id, &[EntityKind::Coupon, EntityKind::PointsBalance])
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.kind, r.id))
            .collect();
    read.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        read,
        vec![
            (EntityKind::Coupon, "coupon-1".to_owned()),
            (EntityKind::PointsBalance, "points-1".to_owned()),
        ],
        "no ledger entries, no tombstones, nothing of another membership"
    );
    assert!(sync_store::entities_of_kinds(id, &[])
        .await
        .unwrap()
        .is_empty());
    assert_eq!(sync_store::entities_of(id).await.unwrap().len(), 5);
}
