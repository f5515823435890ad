//! The wallet's IndexedDB store, in a real browser.
#![cfg(target_arch = "wasm32")]

use wallet_app::membership::StoredMembership;
use wallet_app::storage::{self, MEMBERSHIPS};
use wallet_core::protocol::TotpParams;
use wallet_core::{BrandColor, IssuerUrl, LocalizedText, MembershipId, MerchantDisplay, Totp};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn membership(bits: u64, joined_at: f64) -> StoredMembership {
    StoredMembership {
        id: MembershipId::from_random(bits),
        issuer: IssuerUrl::parse("http://127.0.0.1:8080", None).unwrap(),
        join_code: "CAFE".into(),
        token: "mwt_test".into(),
        totp: TotpParams::from_totp(&Totp::new(vec![9; 20])),
        merchant: MerchantDisplay {
            id: "morning-cafe".into(),
            name: LocalizedText::new("晨光咖啡", "Morning Light Café"),
            tagline: LocalizedText::new("手沖咖啡", "Pour-over"),
            brand_color: BrandColor::parse("#c8873a").unwrap(),
            mark: "晨".into(),
        },
        member_since: 1_700_000_000,
        joined_at,
        leaving: false,
        group: None,
    }
}

async fn clear() {
    let db = storage::database().await.unwrap();
    let tx = db
        .transaction(&[MEMBERSHIPS], rexie::TransactionMode::ReadWrite)
        .unwrap();
    tx.store(MEMBERSHIPS).unwrap().clear().await.unwrap();
    tx.done().await.unwrap();
}

#[wasm_bindgen_test]
async fn memberships_round_trip_newest_first() {
    clear().await;
    let db = storage::database().await.unwrap();
    let older = membership(1, 1_000.0);
    let newer = membership(2, 2_000.0);
    storage::put_membership(&db, &older).await.unwrap();
    storage::put_membership(&db, &newer).await.unwrap();
    let listed = storage::list_memberships(&db).await.unwrap();
    assert_eq!(listed, vec![newer.clone(), older]);
    // The secret survives storage exactly: the code computed after a reload is the same code.
    assert_eq!(
        listed[0].totp().unwrap().code_at(59),
        newer.totp().unwrap().code_at(59)
    );
}

#[wasm_bindgen_test]
async fn a_tampered_record_is_skipped_not_fatal() {
    clear().await;
    let db = storage::database().await.unwrap();
    storage::put_membership(&db, &membership(3, 1.0))
        .await
        .unwrap();
    // A record whose issuer was rewritten to a script URL, as a hostile extension might.
    let mut evil = serde_json::to_value(membership(4, 2.0)).unwrap();
    evil["issuer"] = "javascript:alert(1)".into();
    let evil: JsValue = js_sys::JSON::parse(&evil.to_string()).unwrap();
    let tx = db
        .transaction(&[MEMBERSHIPS], rexie::TransactionMode::ReadWrite)
        .unwrap();
    tx.store(MEMBERSHIPS)
        .unwrap()
        .put(&evil, None)
        .await
        .unwrap();
    tx.done().await.unwrap();

    // And one whose issuer became plain http to a stranger's host (this page would never have
    // joined it: not loopback, not the page's own origin).
    let mut insecure = serde_json::to_value(membership(5, 3.0)).unwrap();
    insecure["issuer"] = "http://issuer.example.com".into();
    let insecure: JsValue = js_sys::JSON::parse(&insecure.to_string()).unwrap();
    let tx = db
        .transaction(&[MEMBERSHIPS], rexie::TransactionMode::ReadWrite)
        .unwrap();
    tx.store(MEMBERSHIPS)
        .unwrap()
        .put(&insecure, None)
        .await
        .unwrap();
    tx.done().await.unwrap();

    let listed = storage::list_memberships(&db).await.unwrap();
    assert_eq!(listed.len(), 1, "only the intact membership is shown");
    assert_eq!(listed[0].id, MembershipId::from_random(3));
}
