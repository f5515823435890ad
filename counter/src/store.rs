//! Reads one membership from the wallet's IndexedDB (app/src/storage/schema.rs), read-only: no
//! version is asked for, so this never upgrades the schema, and a wallet that has no database yet
//! does not get an empty one (the creation is aborted). The connection is closed as soon as the
//! record is read, so it never holds up the app's own open (or its upgrade).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest};

/// app/src/storage/schema.rs `DATABASE_NAME` and `MEMBERSHIPS`.
pub const DATABASE_NAME: &str = "member-wallet";
pub const MEMBERSHIPS: &str = "memberships";

/// The stored record of `id`, `None` when there is none (or no wallet, or no IndexedDB).
pub async fn membership_record(id: &str) -> Option<JsValue> {
    let factory = web_sys::window()?.indexed_db().ok()??;
    let open = factory.open(DATABASE_NAME).ok()?;
    // Only called when the database does not exist: abort its creation (the open then fails).
    let abort = {
        let open = open.clone();
        Closure::once_into_js(move || {
            if let Some(transaction) = open.transaction() {
                let _ = transaction.abort();
            }
        })
    };
    open.set_onupgradeneeded(Some(abort.unchecked_ref()));
    let db: IdbDatabase = done(&open).await?.unchecked_into();
    let record = read(&db, id).await;
    db.close();
    record
}

async fn read(db: &IdbDatabase, id: &str) -> Option<JsValue> {
    if !db.object_store_names().contains(MEMBERSHIPS) {
        return None;
    }
    let store = db
        .transaction_with_str(MEMBERSHIPS)
        .ok()?
        .object_store(MEMBERSHIPS)
        .ok()?;
    let record = done(&store.get(&JsValue::from_str(id)).ok()?).await?;
    (!record.is_undefined()).then_some(record)
}

/// A request's result once it succeeded; `None` when it failed.
async fn done(request: &IdbRequest) -> Option<JsValue> {
    let finished = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(finished).await.ok()?;
    request.result().ok()
}
