//! Survey drafts: the answers typed so far, kept in the `meta` store (key `survey-draft:<id>`) as
//! the customer types, so a closed tab or a call in the middle loses nothing.

use super::raw::{self, request_done, strict_transaction, to_js};
use super::schema::META;
use super::StorageError;
use serde_json::Value;
use wasm_bindgen::JsValue;

fn key(invitation_id: &str) -> String {
    format!("survey-draft:{invitation_id}")
}

fn js(e: JsValue) -> StorageError {
    StorageError::from_js("survey draft", &e)
}

pub async fn save(invitation_id: &str, answers: &Value) -> Result<(), StorageError> {
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[META])?;
    let record = serde_json::json!({ "key": key(invitation_id), "value": answers });
    transaction
        .object_store(META)
        .map_err(js)?
        .put(&to_js(&record)?)
        .map_err(js)?;
    raw::transaction_done(&transaction).await
}

/// The draft, or `{}`.
pub async fn read(invitation_id: &str) -> Result<Value, StorageError> {
    let db = raw::connection().await?;
    let transaction = db.transaction_with_str(META).map_err(js)?;
    let store = transaction.object_store(META).map_err(js)?;
    let found = request_done(
        &store
            .get(&JsValue::from_str(&key(invitation_id)))
            .map_err(js)?,
    )
    .await?;
    let record: Option<Value> = serde_wasm_bindgen::from_value(found).ok();
    Ok(record
        .and_then(|r| r.get("value").cloned())
        .filter(Value::is_object)
        .unwrap_or_else(|| Value::Object(Default::default())))
}

pub async fn clear(invitation_id: &str) -> Result<(), StorageError> {
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[META])?;
    transaction
        .object_store(META)
        .map_err(js)?
        .delete(&JsValue::from_str(&key(invitation_id)))
        .map_err(js)?;
    raw::transaction_done(&transaction).await
}
