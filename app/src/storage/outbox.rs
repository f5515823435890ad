//! The outbox: customer intents queued for the issuer. Appending is one strict transaction that
//! also advances the membership's sequence number, so a crash can neither lose the action nor
//! reuse its number.

use super::raw::{self, request_done, strict_transaction, to_js};
use super::records::{OutboxRecord, SyncStateRecord};
use super::schema::{OUTBOX, SYNC_STATE};
use super::{membership_range, StorageError};
use serde_json::Value;
use wasm_bindgen::JsValue;

pub async fn append(
    membership_id: &str,
    name: &str,
    args: Value,
    client_time: i64,
) -> Result<OutboxRecord, StorageError> {
    let db = raw::connection().await?;
    let transaction = strict_transaction(&db, &[OUTBOX, SYNC_STATE])?;
    let js = |e: JsValue| StorageError::from_js("outbox", &e);
    let states = transaction.object_store(SYNC_STATE).map_err(js)?;
    let outbox = transaction.object_store(OUTBOX).map_err(js)?;
    let existing =
        request_done(&states.get(&JsValue::from_str(membership_id)).map_err(js)?).await?;
    let mut state: SyncStateRecord = serde_wasm_bindgen::from_value(existing)
        .unwrap_or_else(|_| SyncStateRecord::new(membership_id));
    let record = OutboxRecord {
        membership_id: membership_id.to_owned(),
        seq: state.next_seq,
        id: crate::platform::random_uuid(),
        name: name.to_owned(),
        args,
        client_time,
    };
    state.next_seq += 1;
    outbox.put(&to_js(&record)?).map_err(js)?;
    states.put(&to_js(&state)?).map_err(js)?;
    raw::transaction_done(&transaction).await?;
    Ok(record)
}

/// The membership's queued mutations in `seq` order.
pub async fn pending(membership_id: &str) -> Result<Vec<OutboxRecord>, StorageError> {
    let db = raw::connection().await?;
    let js = |e: JsValue| StorageError::from_js("outbox", &e);
    let transaction = db.transaction_with_str(OUTBOX).map_err(js)?;
    let store = transaction.object_store(OUTBOX).map_err(js)?;
    let values = request_done(
        &store
            .get_all_with_key(&membership_range(membership_id)?)
            .map_err(js)?,
    )
    .await?;
    Ok(super::parse_all(values))
}

/// How many actions wait in every outbox of the wallet.
pub async fn count_all() -> Result<u32, StorageError> {
    let db = raw::connection().await?;
    let js = |e: JsValue| StorageError::from_js("outbox", &e);
    let transaction = db.transaction_with_str(OUTBOX).map_err(js)?;
    let store = transaction.object_store(OUTBOX).map_err(js)?;
    let count = request_done(&store.count().map_err(js)?).await?;
    Ok(count.as_f64().unwrap_or(0.0) as u32)
}
