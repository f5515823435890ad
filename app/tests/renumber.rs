//! When an issuer says our sequence numbers and its records disagree, the wallet takes a new
//! client id and renumbers its queue from 1, dropping nothing and keeping the order.
#![cfg(target_arch = "wasm32")]

use serde_json::json;
use wallet_app::storage::{self, outbox, sync_store};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn renumbering_keeps_every_queued_action_in_order() {
    storage::database().await.unwrap();
    let old_client = sync_store::client_id().await.unwrap();
    for name in ["a", "b", "c"] {
        outbox::append(
            "RENUMBER0001",
            "profile.update",
            json!({ "display_name": name }),
            0,
        )
        .await
        .unwrap();
    }
    outbox::append(
        "RENUMBER0002",
        "profile.update",
        json!({ "display_name": "x" }),
        0,
    )
    .await
    .unwrap();
    // Pretend the first action was answered already, so the queue starts at 2.
    let sent = outbox::pending("RENUMBER0001").await.unwrap();
    let answered = wallet_core::sync::SyncResponse {
        results: vec![],
        last_processed_seq: 1,
        changes: vec![],
        cursor: "c".into(),
        more: false,
        reset: false,
    };
    sync_store::apply_response("RENUMBER0001", &sent[..1], &answered, 0.0)
        .await
        .unwrap();

    sync_store::restart_numbering().await.unwrap();

    let first = outbox::pending("RENUMBER0001").await.unwrap();
    assert_eq!(first.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(
        first
            .iter()
            .map(|r| r.args["display_name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["b", "c"]
    );
    assert_eq!(outbox::pending("RENUMBER0002").await.unwrap()[0].seq, 1);
    assert_eq!(
        sync_store::sync_state("RENUMBER0001")
            .await
            .unwrap()
            .next_seq,
        3
    );
    assert_ne!(
        sync_store::client_id().await.unwrap(),
        old_client,
        "a new client id"
    );
}
