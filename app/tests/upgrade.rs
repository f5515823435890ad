//! A wallet made by the first schema (version 1: memberships only) upgrades to the current one
//! with nothing lost. Its own test binary, so the database is built here before the app opens it.
#![cfg(target_arch = "wasm32")]

use wallet_app::storage::{self, outbox, DATABASE_NAME, VERSION};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Builds the version-1 database exactly as the first release did, with one membership in it.
async fn create_version_one(record_json: &str) {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let request = factory.open_with_u32(DATABASE_NAME, 1).unwrap();
    let on_upgrade = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(
        move |event: web_sys::Event| {
            let request: web_sys::IdbOpenDbRequest = event.target().unwrap().unchecked_into();
            let db: web_sys::IdbDatabase = request.result().unwrap().unchecked_into();
            let params = web_sys::IdbObjectStoreParameters::new();
            params.set_key_path(&JsValue::from_str("id"));
            db.create_object_store_with_optional_parameters("memberships", &params)
                .unwrap();
        },
    );
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let opened = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(opened).await.unwrap();
    let db: web_sys::IdbDatabase = request.result().unwrap().unchecked_into();
    let tx = db
        .transaction_with_str_and_mode("memberships", web_sys::IdbTransactionMode::Readwrite)
        .unwrap();
    tx.object_store("memberships")
        .unwrap()
        .put(&js_sys::JSON::parse(record_json).unwrap())
        .unwrap();
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
    });
    JsFuture::from(done).await.unwrap();
    db.close();
}

#[wasm_bindgen_test]
async fn a_version_one_wallet_keeps_its_memberships() {
    let record = r##"{"id":"7K3D9QX2M4PA","issuer":"http://127.0.0.1:8080","join_code":"CAFE","token":"mwt_x",
        "totp":{"secret":"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ","algorithm":"SHA1","digits":6,"period":30},
        "merchant":{"id":"morning-cafe","name":{"zh-TW":"晨光咖啡","en":"Morning Light Café"},
          "tagline":{"zh-TW":"手沖","en":"Pour-over"},"brand_color":"#c8873a","mark":"晨"},
        "member_since":1700000000,"joined_at":1.0}"##;
    create_version_one(record).await;

    let db = storage::database().await.unwrap();
    assert_eq!(db.version().unwrap(), VERSION);
    let memberships = storage::list_memberships(&db).await.unwrap();
    assert_eq!(memberships.len(), 1, "the membership survived the upgrade");
    assert_eq!(memberships[0].id.as_str(), "7K3D9QX2M4PA");
    assert_eq!(
        memberships[0].totp().unwrap().code_at(59),
        memberships[0].totp().unwrap().code_at(59)
    );
    // The new stores work at once.
    outbox::append(
        "7K3D9QX2M4PA",
        "profile.update",
        serde_json::json!({"display_name": "A"}),
        0,
    )
    .await
    .unwrap();
    assert_eq!(outbox::pending("7K3D9QX2M4PA").await.unwrap().len(), 1);
}
