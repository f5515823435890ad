//! IndexedDB through web-sys, for the writes that must not be lost: rexie cannot ask for
//! `durability: "strict"`, and Chrome's default ("relaxed") may drop the last committed write on
//! a crash or power loss. A second connection to the same database, opened after rexie created or
//! upgraded it, and closed whenever another tab upgrades the schema.

use super::schema::DATABASE_NAME;
use super::StorageError;
use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionDurability, IdbTransactionMode,
    IdbTransactionOptions,
};

thread_local! {
    static RAW: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
}

fn js_error(context: &str, error: JsValue) -> StorageError {
    StorageError::from_js(context, &error)
}

/// The raw connection; callers must have opened the database through `schema::database` first so
/// the schema is current.
pub async fn connection() -> Result<IdbDatabase, StorageError> {
    if let Some(db) = RAW.with(|raw| raw.borrow().clone()) {
        return Ok(db);
    }
    let factory = web_sys::window()
        .ok_or_else(|| StorageError::unavailable("no window"))?
        .indexed_db()
        .map_err(|e| js_error("indexedDB", e))?
        .ok_or_else(|| StorageError::unavailable("IndexedDB is not available"))?;
    let request = factory
        .open(DATABASE_NAME)
        .map_err(|e| js_error("open", e))?;
    let opened = request_done(request.unchecked_ref()).await?;
    let db: IdbDatabase = opened.unchecked_into();
    // Another tab upgrading the schema must not wait on us: close, and reopen on next use.
    let on_version_change = Closure::<dyn Fn()>::new(|| {
        RAW.with(|raw| {
            if let Some(db) = raw.borrow_mut().take() {
                db.close();
            }
        })
    });
    db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));
    on_version_change.forget();
    RAW.with(|raw| *raw.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// A read-write transaction over `stores` that commits only once the data is on disk.
pub fn strict_transaction(
    db: &IdbDatabase,
    stores: &[&str],
) -> Result<IdbTransaction, StorageError> {
    let names: Vec<js_sys::JsString> = stores.iter().map(|s| js_sys::JsString::from(*s)).collect();
    let options = IdbTransactionOptions::new();
    options.set_durability(IdbTransactionDurability::Strict);
    db.transaction_with_str_sequence_and_mode_and_options(
        &names,
        IdbTransactionMode::Readwrite,
        &options,
    )
    .map_err(|e| js_error("transaction", e))
}

/// Waits for a request's `success` (its result) or `error`.
pub async fn request_done(request: &IdbRequest) -> Result<JsValue, StorageError> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(promise).await.map_err(|_| {
        js_error(
            "request",
            request.error().map(JsValue::from).unwrap_or_default(),
        )
    })?;
    request.result().map_err(|e| js_error("result", e))
}

/// Waits until the transaction has committed (`complete`), or reports why it aborted.
pub async fn transaction_done(transaction: &IdbTransaction) -> Result<(), StorageError> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onerror(Some(&reject));
        transaction.set_onabort(Some(&reject));
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(|_| {
        let cause = transaction.error().map(JsValue::from).unwrap_or_default();
        js_error("transaction aborted", cause)
    })
}

/// Serialises a record the way IndexedDB stores it: plain JSON-compatible objects.
pub fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, StorageError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| StorageError::failed(e.to_string()))
}
