//! How the form talks to the app: a `CustomEvent` on the element it was mounted in, with the
//! answers as JSON text in `detail`.

use wasm_bindgen::JsValue;

pub const DRAFT: &str = "mw:survey-draft";
pub const SUBMIT: &str = "mw:survey-submit";

pub fn send(target: &web_sys::HtmlElement, name: &str, answers: &serde_json::Value) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&JsValue::from_str(&answers.to_string()));
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&event);
    }
}
