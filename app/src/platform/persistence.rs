//! Persistent storage (`navigator.storage`): whether the browser may evict the wallet's data when
//! the phone runs low on space, asking it not to, and how much the wallet uses.
//!
//! Every answer is optional: older browsers and some webviews have no StorageManager, and the
//! wallet works the same without it.

use js_sys::Reflect;
use leptos::prelude::window;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{StorageEstimate, StorageManager};

/// Bytes used by this site (IndexedDB, caches, ...) and the browser's quota for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub usage: f64,
    pub quota: Option<f64>,
}

fn manager() -> Option<StorageManager> {
    let navigator = window().navigator();
    let value = Reflect::get(&navigator, &JsValue::from_str("storage")).ok()?;
    if value.is_undefined() || value.is_null() {
        return None;
    }
    value.dyn_into().ok()
}

async fn boolean(promise: Result<js_sys::Promise, JsValue>) -> Option<bool> {
    JsFuture::from(promise.ok()?).await.ok()?.as_bool()
}

/// Whether the data is already protected from eviction.
pub async fn persisted() -> Option<bool> {
    boolean(manager()?.persisted()).await
}

/// Asks the browser to keep the data. Chrome decides silently (more likely for an installed
/// app), Firefox may ask the customer, Safari grants it to home-screen apps.
pub async fn request_persist() -> Option<bool> {
    boolean(manager()?.persist()).await
}

pub async fn estimate() -> Option<Estimate> {
    let value = JsFuture::from(manager()?.estimate().ok()?).await.ok()?;
    let estimate: StorageEstimate = value.unchecked_into();
    Some(Estimate {
        usage: estimate.get_usage()?,
        quota: estimate.get_quota(),
    })
}
