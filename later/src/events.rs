//! How the module and the app talk: a `CustomEvent` on the element a page was mounted in, with
//! JSON text in `detail` (the survey form's answers, a share's outcome, a save's answer, ...).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub const DRAFT: &str = "mw:survey-draft";
pub const SUBMIT: &str = "mw:survey-submit";
/// From the app (`LaterPageFrame`): the page drawn in this element went.
pub const PAGE_CLOSE: &str = "mw:page-close";

pub fn send(target: &web_sys::HtmlElement, name: &str, answers: &serde_json::Value) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&JsValue::from_str(&answers.to_string()));
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&event);
    }
}

/// Calls `handler` with the JSON `detail` of each `name` event on `root` (`Null` when it is not
/// JSON), for as long as the page: the element, and with it the listener, goes with the page.
/// One handler per element and event name: the router may hand a new page the element of an
/// earlier one, and the new page's handler replaces the earlier page's, so an event (a ticket
/// played, a survey sent) is acted on once.
pub fn on(root: &web_sys::HtmlElement, name: &str, handler: impl Fn(serde_json::Value) + 'static) {
    let slot = JsValue::from_str(&format!("__mw_later_{name}"));
    if let Ok(earlier) = js_sys::Reflect::get(root, &slot) {
        if let Some(earlier) = earlier.dyn_ref::<js_sys::Function>() {
            let _ = root.remove_event_listener_with_callback(name, earlier);
        }
    }
    let listener =
        Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |event: web_sys::CustomEvent| {
            let detail = event
                .detail()
                .as_string()
                .and_then(|text| serde_json::from_str(&text).ok());
            handler(detail.unwrap_or(serde_json::Value::Null));
        });
    let _ = root.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
    let _ = js_sys::Reflect::set(root, &slot, listener.as_ref());
    listener.forget();
}
