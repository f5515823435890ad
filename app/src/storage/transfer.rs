//! Moving the wallet (docs/wallet-export.md): every store read at once for an export, and an
//! import's records written in one strict transaction, so it lands whole or not at all. What the
//! records hold is checked by the module loaded later (`wallet_core::wallet::export`) before it
//! hands them over; this file only moves them.

use super::meta_values::{self, CARRIER, PLAIN_CARDS};
use super::raw::{self, request_done, strict_transaction, to_js};
use super::schema::{ENTITIES, MEMBERSHIPS, META, OUTBOX, SYNC_STATE};
use super::{sync_store, StorageError};
use serde_json::{json, Value};
use wasm_bindgen::JsValue;

fn js(e: JsValue) -> StorageError {
    StorageError::from_js("wallet transfer", &e)
}

/// The stores an export holds, as `{"client_id", "memberships", "sync_states", "entities",
/// "outbox", "carrier"}`.
pub async fn read_all() -> Result<Value, StorageError> {
    let client_id = sync_store::client_id().await?;
    let carrier = meta_values::carrier().await?;
    let plain_cards = meta_values::plain_cards().await?;
    let db = raw::connection().await?;
    let stores = [MEMBERSHIPS, SYNC_STATE, ENTITIES, OUTBOX];
    let transaction = db
        .transaction_with_str_sequence(
            &stores
                .iter()
                .map(|s| JsValue::from_str(s))
                .collect::<js_sys::Array>(),
        )
        .map_err(js)?;
    let mut all = Vec::new();
    for store in stores {
        let values = request_done(
            &transaction
                .object_store(store)
                .map_err(js)?
                .get_all()
                .map_err(js)?,
        )
        .await?;
        let values: Value = serde_wasm_bindgen::from_value(values)
            .map_err(|e| StorageError::failed(e.to_string()))?;
        all.push(values);
    }
    let [memberships, sync_states, entities, outbox] =
        <[Value; 4]>::try_from(all).expect("four stores");
    Ok(json!({
        "client_id": client_id,
        "memberships": memberships,
        "sync_states": sync_states,
        "entities": entities,
        "outbox": outbox,
        "carrier": carrier,
        "plain_cards": plain_cards,
    }))
}

/// Writes an import's records: `{"memberships", "sync_states", "entities", "outbox", "carrier",
/// "plain_cards"}` (added to those kept, by id).
/// A membership already stored (joined meanwhile in another tab) fails the whole transaction
/// rather than being overwritten.
pub async fn write_plan(plan: &Value) -> Result<(), StorageError> {
    let mut plain_cards = meta_values::plain_cards().await?;
    let new_plain = serde_json::from_value(plan["plain_cards"].clone()).unwrap_or_default();
    meta_values::merge_plain_cards(&mut plain_cards, new_plain);
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[MEMBERSHIPS, SYNC_STATE, ENTITIES, OUTBOX, META])?;
    let records = |name: &str| plan[name].as_array().cloned().unwrap_or_default();
    for membership in records("memberships") {
        transaction
            .object_store(MEMBERSHIPS)
            .map_err(js)?
            .add(&to_js(&membership)?)
            .map_err(js)?;
    }
    for (store, name) in [
        (SYNC_STATE, "sync_states"),
        (ENTITIES, "entities"),
        (OUTBOX, "outbox"),
    ] {
        let store = transaction.object_store(store).map_err(js)?;
        for record in records(name) {
            store.put(&to_js(&record)?).map_err(js)?;
        }
    }
    meta_values::put_in(
        &transaction,
        PLAIN_CARDS,
        &meta_values::plain_cards_value(&plain_cards)?,
    )?;
    if let Some(carrier) = plan["carrier"].as_str() {
        meta_values::put_in(&transaction, CARRIER, &Value::from(carrier))?;
    }
    raw::transaction_done(&transaction).await
}
