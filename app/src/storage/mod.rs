//! IndexedDB, through rexie: the wallet's only source of truth on the device. The UI reads from
//! here, never from the network, so it works offline and survives reloads.

mod memberships;
pub mod outbox;
mod raw;
pub mod records;
mod schema;
pub mod sync_store;

pub use memberships::{list_memberships, put_membership};
pub use schema::database;
pub use schema::{DATABASE_NAME, ENTITIES, MEMBERSHIPS, OUTBOX, SYNC_STATE, VERSION};

use std::fmt;

/// A storage failure, kept as text: the customer sees a translated sentence, the console the cause.
#[derive(Clone, Debug, PartialEq)]
pub struct StorageError(pub String);

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage: {}", self.0)
    }
}

impl From<rexie::Error> for StorageError {
    fn from(error: rexie::Error) -> Self {
        Self(error.to_string())
    }
}

/// Every key of one membership in the stores keyed `[membership_id, ...]`: arrays sort after
/// numbers and strings, so `[id]`..`[id, []]` spans them all.
pub(crate) fn membership_range(membership_id: &str) -> Result<wasm_bindgen::JsValue, StorageError> {
    let lower: js_sys::Array = [wasm_bindgen::JsValue::from_str(membership_id)]
        .iter()
        .collect();
    let upper: js_sys::Array = [
        wasm_bindgen::JsValue::from_str(membership_id),
        js_sys::Array::new().into(),
    ]
    .iter()
    .collect();
    web_sys::IdbKeyRange::bound(&lower, &upper)
        .map(Into::into)
        .map_err(|e| StorageError(format!("key range: {e:?}")))
}

/// Parses every record of a `getAll` result, skipping (and reporting) any that do not parse.
pub(crate) fn parse_all<T: serde::de::DeserializeOwned>(values: wasm_bindgen::JsValue) -> Vec<T> {
    let array: js_sys::Array = values.into();
    array
        .iter()
        .filter_map(|value| match serde_wasm_bindgen::from_value(value) {
            Ok(record) => Some(record),
            Err(error) => {
                web_sys::console::warn_1(&format!("skipped an unreadable record: {error}").into());
                None
            }
        })
        .collect()
}
