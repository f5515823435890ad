//! The counter's parts in a real browser: which card an address names, the language, reading a
//! stored record with the app's checks, and reading IndexedDB without ever writing to it.

use js_sys::{Promise, Reflect};
use wallet_core::{protocol::TotpParams, MembershipId, Totp};
use wallet_counter::record::{card_from, Unreadable};
use wallet_counter::route::card_in;
use wallet_counter::store::{membership_record, DATABASE_NAME, MEMBERSHIPS};
use wallet_counter::words::{chinese, EN, ZH_TW};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const ID: &str = "7K3D9QX2M4PA";

#[wasm_bindgen_test]
fn a_card_route_or_the_shortcut_names_a_card() {
    let id = MembershipId::parse(ID);
    assert_eq!(card_in("/m/7K3D9QX2M4PA", || None), id);
    assert_eq!(card_in("/m/7K3D9QX2M4PA/", || None), id);
    assert_eq!(
        card_in("/m/last", || Some(ID.into())),
        id,
        "the shortcut: the card opened last"
    );
    assert_eq!(card_in("/m/last", || None), None, "no card opened yet");
    assert_eq!(card_in("/m/last", || Some("../join".into())), None);
    assert_eq!(
        card_in("/m/7K3D9QX2M4PA/points", || None),
        None,
        "a card's ledger is the app's"
    );
    assert_eq!(
        card_in("/m/7k3d9qx2m4pa", || None),
        None,
        "ids are canonical upper case"
    );
    assert_eq!(card_in("/", || Some(ID.into())), None);
}

#[wasm_bindgen_test]
fn the_language_is_the_one_the_app_picks() {
    assert!(
        !chinese(Some("en"), Some("zh-TW")),
        "the customer's choice wins"
    );
    assert!(chinese(Some("zh-TW"), Some("en-US")));
    assert!(
        chinese(None, Some("zh-HK")),
        "every zh* is Traditional Chinese"
    );
    assert!(chinese(None, Some("ZH")));
    assert!(!chinese(None, Some("en-US")));
    assert!(chinese(None, None));
    assert_eq!(ZH_TW.countdown(12), "12 秒後更新");
    assert_eq!(EN.countdown(7), "Refreshes in 7 s");
    assert_eq!(ZH_TW.qr_label, "會員條碼，請店員掃描");
}

/// A record as the app stores it (app/src/membership.rs through serde-wasm-bindgen).
fn record(change: impl FnOnce(&mut serde_like::Record)) -> JsValue {
    let mut record = serde_like::Record::default();
    change(&mut record);
    js_sys::JSON::parse(&record.json()).unwrap()
}

/// Enough of a stored membership to vary one field at a time.
mod serde_like {
    pub struct Record {
        pub id: String,
        pub issuer: String,
        pub secret: String,
        pub algorithm: String,
        pub digits: String,
        pub brand: String,
    }

    impl Default for Record {
        fn default() -> Self {
            Self {
                id: super::ID.into(),
                issuer: "\"https://cafe.example\"".into(),
                secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
                algorithm: "\"SHA1\"".into(),
                digits: "6".into(),
                brand: "#6b4f3a".into(),
            }
        }
    }

    impl Record {
        pub fn json(&self) -> String {
            format!(
                r##"{{"id":"{}","issuer":{},"join_code":"CAFE","token":"t","member_since":1,"joined_at":1,
                "totp":{{"secret":"{}","algorithm":{},"digits":{},"period":30}},
                "merchant":{{"id":"cafe","name":{{"zh-TW":"晨光咖啡","en":"Morning Light Café"}},
                "tagline":{{"zh-TW":"手沖","en":"Pour-over"}},"brand_color":"{}","mark":"晨"}}}}"##,
                self.id, self.issuer, self.secret, self.algorithm, self.digits, self.brand
            )
        }
    }
}

#[wasm_bindgen_test]
fn a_stored_record_gives_the_code_wallet_core_computes() {
    let id = MembershipId::parse(ID).unwrap();
    let card = card_from(&record(|_| {}), &id, None).unwrap();
    let want = TotpParams {
        secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
        algorithm: Default::default(),
        digits: 6,
        period: 30,
    }
    .to_totp()
    .unwrap();
    assert_eq!(card.totp, want);
    assert_eq!(
        card.totp.code_for_step(1),
        Totp::new(b"12345678901234567890".to_vec()).code_for_step(1)
    );
    assert_eq!(card.name.get(true), "晨光咖啡");
    assert_eq!(card.mark, "晨");
    assert_eq!(card.brand.to_string(), "#6b4f3a");
    let sha256 = card_from(&record(|r| r.algorithm = "\"SHA256\"".into()), &id, None).unwrap();
    assert_eq!(sha256.totp.algorithm, wallet_core::TotpAlgorithm::Sha256);
    let default = card_from(&record(|r| r.algorithm = "null".into()), &id, None).unwrap();
    assert_eq!(
        default.totp.algorithm,
        wallet_core::TotpAlgorithm::Sha1,
        "absent is SHA1, as serde's default"
    );
}

#[wasm_bindgen_test]
fn a_record_the_app_would_refuse_is_not_drawn() {
    let id = MembershipId::parse(ID).unwrap();
    let refused = |change: fn(&mut serde_like::Record)| card_from(&record(change), &id, None).err();
    assert_eq!(
        refused(|r| r.id = "7K3D9QX2M4PB".into()),
        Some(Unreadable("id")),
        "another card"
    );
    assert_eq!(
        refused(|r| r.issuer = "\"javascript:alert(1)\"".into()),
        Some(Unreadable("issuer"))
    );
    assert_eq!(
        refused(|r| r.issuer = "\"http://shop.example\"".into()),
        Some(Unreadable("issuer")),
        "plain http elsewhere"
    );
    assert_eq!(
        refused(|r| r.algorithm = "\"MD5\"".into()),
        Some(Unreadable("totp.algorithm"))
    );
    assert_eq!(
        refused(|r| r.secret = "GEZD".into()),
        Some(Unreadable("totp")),
        "too short a secret"
    );
    assert_eq!(
        refused(|r| r.digits = "6.5".into()),
        Some(Unreadable("digits"))
    );
    assert_eq!(
        refused(|r| r.digits = "\"6\"".into()),
        Some(Unreadable("digits"))
    );
    assert_eq!(
        refused(|r| r.brand = "red".into()),
        Some(Unreadable("brand_color"))
    );
    assert_eq!(
        card_from(&JsValue::NULL, &id, None).err(),
        Some(Unreadable("id"))
    );
}

async fn wait(request: &web_sys::IdbRequest) -> JsValue {
    let done = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(done).await.unwrap();
    request.result().unwrap()
}

fn factory() -> web_sys::IdbFactory {
    web_sys::window().unwrap().indexed_db().unwrap().unwrap()
}

async fn database_names() -> Vec<String> {
    let databases = Reflect::get(&factory(), &"databases".into()).unwrap();
    let promise: Promise = databases
        .unchecked_ref::<js_sys::Function>()
        .call0(&factory())
        .unwrap()
        .unchecked_into();
    let list: js_sys::Array = JsFuture::from(promise).await.unwrap().unchecked_into();
    list.iter()
        .filter_map(|d| Reflect::get(&d, &"name".into()).ok()?.as_string())
        .collect()
}

#[wasm_bindgen_test]
async fn reads_one_record_and_never_creates_the_database() {
    wait(&factory().delete_database(DATABASE_NAME).unwrap()).await;
    assert_eq!(membership_record(ID).await, None);
    assert!(
        !database_names().await.contains(&DATABASE_NAME.to_owned()),
        "a visit to a card URL with no wallet leaves no database"
    );

    // The app's database (version 2), with one membership.
    let open = factory().open_with_u32(DATABASE_NAME, 2).unwrap();
    let upgrade = wasm_bindgen::closure::Closure::once_into_js({
        let open = open.clone();
        move || {
            let db: web_sys::IdbDatabase = open.result().unwrap().unchecked_into();
            let params = web_sys::IdbObjectStoreParameters::new();
            params.set_key_path(&"id".into());
            db.create_object_store_with_optional_parameters(MEMBERSHIPS, &params)
                .unwrap();
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let db: web_sys::IdbDatabase = wait(&open).await.unchecked_into();
    let transaction = db
        .transaction_with_str_and_mode(MEMBERSHIPS, web_sys::IdbTransactionMode::Readwrite)
        .unwrap();
    wait(
        &transaction
            .object_store(MEMBERSHIPS)
            .unwrap()
            .put(&record(|_| {}))
            .unwrap(),
    )
    .await;
    db.close();

    let read = membership_record(ID).await.expect("the stored record");
    assert_eq!(
        Reflect::get(&read, &"id".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some(ID)
    );
    assert_eq!(membership_record("7K3D9QX2M4PB").await, None, "another id");

    // Its connection is closed: an upgrade (the app's next schema) goes through. (Not "is never
    // blocked": the close takes effect when the read's transaction finishes, a moment after the
    // record is handed over, and an upgrade asked for in that moment waits for it; one that never
    // opens would hang this test until the runner's timeout fails it.)
    let upgrade = factory().open_with_u32(DATABASE_NAME, 3).unwrap();
    let db: web_sys::IdbDatabase = wait(&upgrade).await.unchecked_into();
    assert_eq!(db.version(), 3.0);
    db.close();
    wait(&factory().delete_database(DATABASE_NAME).unwrap()).await;
}
