//! The features loaded later (later/, crate wallet-later; docs/architecture.md "Features loaded
//! later"): a second wasm module, precached by the service worker like every file of dist/ but
//! fetched and started only when a page that needs it opens. Started once per page; the app and
//! it talk through DOM events on the element it is given, and a hosted page asks through the
//! function it is handed (`mount_page`).

use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
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

/// Calls the module's `export` (e.g. `mount_survey`) with `root` and the props as JSON text.
async fn mount(export: &str, root: &web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    let module = module().await?;
    let mount: js_sys::Function = js_sys::Reflect::get(&module, &export.into())?.dyn_into()?;
    mount.call2(&JsValue::NULL, root, &JsValue::from_str(props))?;
    Ok(())
}

/// Starts a hosted page (`wallet_later::mount_page`) in `root`; `app` answers its requests
/// (`pages/hosted_page.rs`).
pub async fn mount_page(
    root: &web_sys::HtmlElement,
    props: &str,
    app: &JsValue,
) -> Result<(), JsValue> {
    let module = module().await?;
    let mount: js_sys::Function =
        js_sys::Reflect::get(&module, &"mount_page".into())?.dyn_into()?;
    mount.call3(&JsValue::NULL, root, &JsValue::from_str(props), app)?;
    Ok(())
}

/// Shows checkout mode (`wallet_later::mount_checkout`) in `root`.
pub async fn mount_checkout(root: &web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    mount("mount_checkout", root, props).await
}

/// Shows the e-invoice carrier form (`wallet_later::mount_carrier`) in `root`.
pub async fn mount_carrier(root: &web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    mount("mount_carrier", root, props).await
}

/// Shows Settings' export and import (`wallet_later::mount_transfer`) in `root`.
pub async fn mount_transfer(root: &web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    mount("mount_transfer", root, props).await
}

/// Shows a plain card or the form that adds one (`wallet_later::mount_plain`) in `root`.
pub async fn mount_plain(root: &web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    mount("mount_plain", root, props).await
}

/// Shows arranging the wallet's cards (`wallet_later::mount_arrange`) in `root`.
pub async fn mount_arrange(root: &web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    mount("mount_arrange", root, props).await
}

/// Calls `handler` with the JSON `detail` of each `name` event the module dispatches on
/// `element`, for as long as the page. One handler per element and event name: a page that
/// listens again (the router may hand a new page the element of an earlier one) replaces the
/// earlier handler, so an event is heard once.
pub fn listen(
    element: &web_sys::HtmlElement,
    name: &str,
    handler: impl Fn(serde_json::Value) + 'static,
) {
    let slot = JsValue::from_str(&format!("__mw_listener_{name}"));
    if let Ok(earlier) = js_sys::Reflect::get(element, &slot) {
        if let Some(earlier) = earlier.dyn_ref::<js_sys::Function>() {
            let _ = element.remove_event_listener_with_callback(name, earlier);
        }
    }
    let listener =
        Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            let detail = event
                .detail()
                .as_string()
                .and_then(|text| serde_json::from_str(&text).ok());
            if let Some(detail) = detail {
                handler(detail);
            }
        });
    let _ = element.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
    let _ = js_sys::Reflect::set(element, &slot, listener.as_ref());
    // The element, and with it the listener, goes with the page.
    listener.forget();
}

/// Hands the module `detail` (as JSON text) in a `name` event on `element`.
pub fn send(element: &web_sys::HtmlElement, name: &str, detail: &serde_json::Value) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&JsValue::from_str(&detail.to_string()));
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = element.dispatch_event(&event);
    }
}
