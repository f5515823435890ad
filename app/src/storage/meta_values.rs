//! Wallet-wide values kept in the `meta` store, one JSON value per key: survey drafts
//! (`survey-draft:<id>`, kept as the customer types, so a closed tab loses nothing), the
//! customer's e-invoice carrier (`einvoice-carrier`, shown in checkout mode) and the plain cards
//! (`plain-cards`, a list: they are few, and always read together).

use super::raw::{self, request_done, strict_transaction, to_js};
use super::schema::META;
use super::StorageError;
use serde_json::Value;
use wallet_core::plain_card::PlainCard;
use wasm_bindgen::JsValue;

pub(super) const CARRIER: &str = "einvoice-carrier";
pub(super) const PLAIN_CARDS: &str = "plain-cards";

fn draft_key(invitation_id: &str) -> String {
    format!("survey-draft:{invitation_id}")
}

fn js(e: JsValue) -> StorageError {
    StorageError::from_js("wallet setting", &e)
}

async fn save(key: &str, value: &Value) -> Result<(), StorageError> {
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[META])?;
    let record = serde_json::json!({ "key": key, "value": value });
    transaction
        .object_store(META)
        .map_err(js)?
        .put(&to_js(&record)?)
        .map_err(js)?;
    raw::transaction_done(&transaction).await
}

async fn read(key: &str) -> Result<Option<Value>, StorageError> {
    let db = raw::connection().await?;
    let transaction = db.transaction_with_str(META).map_err(js)?;
    let store = transaction.object_store(META).map_err(js)?;
    let found = request_done(&store.get(&JsValue::from_str(key)).map_err(js)?).await?;
    let record: Option<Value> = serde_wasm_bindgen::from_value(found).ok();
    Ok(record.and_then(|r| r.get("value").cloned()))
}

async fn delete(key: &str) -> Result<(), StorageError> {
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[META])?;
    transaction
        .object_store(META)
        .map_err(js)?
        .delete(&JsValue::from_str(key))
        .map_err(js)?;
    raw::transaction_done(&transaction).await
}

pub async fn save_draft(invitation_id: &str, answers: &Value) -> Result<(), StorageError> {
    save(&draft_key(invitation_id), answers).await
}

/// The draft, or `{}`.
pub async fn read_draft(invitation_id: &str) -> Result<Value, StorageError> {
    Ok(read(&draft_key(invitation_id))
        .await?
        .filter(Value::is_object)
        .unwrap_or_else(|| Value::Object(Default::default())))
}

pub async fn clear_draft(invitation_id: &str) -> Result<(), StorageError> {
    delete(&draft_key(invitation_id)).await
}

/// The carrier as the settings form checked it (`/` and 7 characters), or `None`. The module
/// loaded later checks it again before drawing it, so a tampered value shows no code.
pub async fn carrier() -> Result<Option<String>, StorageError> {
    Ok(read(CARRIER)
        .await?
        .and_then(|v| v.as_str().map(str::to_owned)))
}

/// Keeps `carrier`, or forgets it for `None`.
pub async fn set_carrier(carrier: Option<&str>) -> Result<(), StorageError> {
    match carrier {
        Some(carrier) => save(CARRIER, &Value::from(carrier)).await,
        None => delete(CARRIER).await,
    }
}

/// The plain cards, newest first; one that does not read back (tampered with) is left out.
pub async fn plain_cards() -> Result<Vec<PlainCard>, StorageError> {
    let stored = read(PLAIN_CARDS).await?;
    let mut cards: Vec<PlainCard> = stored
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| serde_json::from_value::<PlainCard>(v).ok())
        .filter(PlainCard::is_valid)
        .collect();
    cards.sort_by(|a, b| b.added_at.total_cmp(&a.added_at));
    Ok(cards)
}

pub async fn set_plain_cards(cards: &[PlainCard]) -> Result<(), StorageError> {
    let value = serde_json::to_value(cards).map_err(|e| StorageError::failed(e.to_string()))?;
    save(PLAIN_CARDS, &value).await
}
