//! IndexedDB, through rexie: the wallet's only source of truth on the device. The UI reads from
//! here, never from the network, so it works offline and survives reloads.

pub mod leaving;
mod memberships;
pub mod meta_values;
pub mod outbox;
mod raw;
pub mod records;
mod schema;
pub mod sync_store;
pub mod transfer;

pub use memberships::{list_memberships, put_membership, update_membership};
pub use schema::{clear_if_asked, clear_on_next_start, database};
pub use schema::{DATABASE_NAME, ENTITIES, MEMBERSHIPS, OUTBOX, SYNC_STATE, VERSION};

use std::fmt;

/// What went wrong with the phone's storage, as far as the customer can act on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageProblem {
    /// The browser's quota for the wallet is used up (`QuotaExceededError`).
    Full,
    /// The browser does not let the wallet use IndexedDB now: none at all, a private window that
    /// refuses it, site data turned off, or a connection closed under us (another tab upgrading).
    Unavailable,
    /// Anything else: an aborted transaction, a record that would not serialise.
    Failed,
}

impl StorageProblem {
    /// The problem a DOMException (or any JS error) name stands for.
    pub fn from_error_name(name: &str) -> Self {
        match name {
            "QuotaExceededError" => Self::Full,
            "InvalidStateError" | "SecurityError" | "NotAllowedError" | "UnknownError"
            | "VersionError" => Self::Unavailable,
            _ => Self::Failed,
        }
    }
}

/// A storage failure: what the customer is told (`problem`, translated by the page) and, for the
/// console, the cause.
#[derive(Clone, Debug, PartialEq)]
pub struct StorageError {
    pub problem: StorageProblem,
    pub detail: String,
}

impl StorageError {
    pub fn failed(detail: impl Into<String>) -> Self {
        Self {
            problem: StorageProblem::Failed,
            detail: detail.into(),
        }
    }

    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self {
            problem: StorageProblem::Unavailable,
            detail: detail.into(),
        }
    }

    /// From a JS error (an IndexedDB request's or transaction's DOMException): its name says
    /// which problem it is.
    pub fn from_js(context: &str, error: &wasm_bindgen::JsValue) -> Self {
        use wasm_bindgen::JsCast;
        let (problem, detail) = match error.dyn_ref::<js_sys::Error>() {
            Some(e) => (
                StorageProblem::from_error_name(&String::from(e.name())),
                format!("{}: {}", String::from(e.name()), String::from(e.message())),
            ),
            None => (
                StorageProblem::Failed,
                error.as_string().unwrap_or_else(|| format!("{error:?}")),
            ),
        };
        Self {
            problem,
            detail: format!("{context}: {detail}"),
        }
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "storage: {}", self.detail)
    }
}

impl From<rexie::Error> for StorageError {
    fn from(error: rexie::Error) -> Self {
        // rexie keeps the DOMException only as text; its writes (memberships) are not queued
        // actions, so they need no finer problem than this.
        Self::failed(error.to_string())
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
        .map_err(|e| StorageError::from_js("key range", &e))
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

// wallet-app builds for wasm32 only, so its unit tests run in the browser suite.
#[cfg(test)]
mod tests {
    use super::{StorageError, StorageProblem};
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    fn named(name: &str) -> StorageError {
        let error = js_sys::Error::new("the browser's message");
        error.set_name(name);
        StorageError::from_js("outbox", &error.into())
    }

    #[wasm_bindgen_test]
    fn the_exceptions_name_says_what_the_customer_is_told() {
        assert_eq!(named("QuotaExceededError").problem, StorageProblem::Full);
        for name in [
            "InvalidStateError",
            "SecurityError",
            "UnknownError",
            "VersionError",
        ] {
            assert_eq!(named(name).problem, StorageProblem::Unavailable, "{name}");
        }
        for name in ["DataCloneError", "ConstraintError", "AbortError"] {
            assert_eq!(named(name).problem, StorageProblem::Failed, "{name}");
        }
        let odd = StorageError::from_js("outbox", &wasm_bindgen::JsValue::from_str("odd"));
        assert_eq!(odd.problem, StorageProblem::Failed);
        assert_eq!(
            named("QuotaExceededError").detail,
            "outbox: QuotaExceededError: the browser's message",
            "the console still gets the cause"
        );
    }
}
