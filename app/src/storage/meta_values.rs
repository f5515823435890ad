//! Wallet-wide values kept in the `meta` store, one JSON value per key: survey drafts
//! (`survey-draft:<id>`, kept as the customer types, so a closed tab loses nothing), the
//! customer's e-invoice carrier (`einvoice-carrier`, shown in checkout mode) and the plain cards
//! (`plain-cards`, a list: they are few, and always read together).

use super::raw::{self, request_done, strict_transaction, to_js};
use super::schema::META;
use super::StorageError;
use serde_json::Value;
use wallet_core::plain_card::{PlainCard, MAX_PLAIN_CARDS};
use wasm_bindgen::JsValue;

pub(super) const CARRIER: &str = "einvoice-carrier";
pub(super) const PLAIN_CARDS: &str = "plain-cards";

fn draft_key(invitation_id: &str) -> String {
    format!("survey-draft:{invitation_id}")
}

fn js(e: JsValue) -> StorageError {
    StorageError::from_js("wallet setting", &e)
}

/// Puts `value` under `key` in `transaction`'s `meta` store (also for a caller's transaction
/// over more stores: an import).
pub(super) fn put_in(
    transaction: &web_sys::IdbTransaction,
    key: &str,
    value: &Value,
) -> Result<(), StorageError> {
    let record = serde_json::json!({ "key": key, "value": value });
    transaction
        .object_store(META)
        .map_err(js)?
        .put(&to_js(&record)?)
        .map_err(js)?;
    Ok(())
}

async fn save(key: &str, value: &Value) -> Result<(), StorageError> {
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[META])?;
    put_in(&transaction, key, value)?;
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
    newest_first(&mut cards);
    Ok(cards)
}

fn newest_first(cards: &mut [PlainCard]) {
    cards.sort_by(|a, b| b.added_at.total_cmp(&a.added_at));
}

/// Adds to `kept` the valid cards of `new` whose id it does not have, up to `MAX_PLAIN_CARDS`
/// in all, newest first; gives how many were added.
pub(super) fn merge_plain_cards(kept: &mut Vec<PlainCard>, new: Vec<PlainCard>) -> usize {
    let before = kept.len();
    for card in new.into_iter().filter(PlainCard::is_valid) {
        if kept.len() < MAX_PLAIN_CARDS && !kept.iter().any(|c| c.id == card.id) {
            kept.push(card);
        }
    }
    newest_first(kept);
    kept.len() - before
}

pub(super) fn plain_cards_value(cards: &[PlainCard]) -> Result<Value, StorageError> {
    serde_json::to_value(cards).map_err(|e| StorageError::failed(e.to_string()))
}

/// Keeps the cards of `new` the wallet does not have yet; gives all it keeps now, and how many
/// were added.
pub async fn add_plain_cards(new: Vec<PlainCard>) -> Result<(Vec<PlainCard>, usize), StorageError> {
    let mut all = plain_cards().await?;
    let added = merge_plain_cards(&mut all, new);
    save(PLAIN_CARDS, &plain_cards_value(&all)?).await?;
    Ok((all, added))
}

/// Forgets the plain card `id`; gives the cards kept now.
pub async fn remove_plain_card(id: &str) -> Result<Vec<PlainCard>, StorageError> {
    let mut all = plain_cards().await?;
    all.retain(|c| c.id != id);
    save(PLAIN_CARDS, &plain_cards_value(&all)?).await?;
    Ok(all)
}
