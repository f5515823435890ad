//! The features loaded later (later/, crate wallet-later; docs/architecture.md "Features loaded
//! later"): a second wasm module, precached by the service worker like every file of dist/ but
//! fetched and started only when a page that needs it opens. Started once per page; the app and
//! it talk through DOM events on the element it is given.

use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = "export function import_later() { \
    return import('/wallet-later.js').then(function (m) { return m.default().then(function () { return m; }); }); }")]
extern "C" {
    fn import_later() -> js_sys::Promise;
}

thread_local! {
    /// The module's start, shared by every page that asks (one fetch, one instance).
    static STARTED: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

async fn module() -> Result<JsValue, JsValue> {
    let promise = STARTED.with(|started| {
        started
            .borrow_mut()
            .get_or_insert_with(import_later)
            .clone()
    });
    let result = JsFuture::from(promise).await;
    if result.is_err() {
        // A failed fetch (offline without the service worker's copy) may work next time.
        STARTED.with(|started| started.borrow_mut().take());
    }
    result
}

/// Shows the survey form (`wallet_later::mount_survey`) in `root`.
pub async fn mount_survey(root: &web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    let module = module().await?;
    let mount: js_sys::Function =
        js_sys::Reflect::get(&module, &"mount_survey".into())?.dyn_into()?;
    mount.call2(&JsValue::NULL, root, &JsValue::from_str(props))?;
    Ok(())
}
