//! wallet-later: what the first screen does not need, loaded when a page that needs it opens
//! (docs/architecture.md, "Features loaded later"). A second wasm module beside the app: the app
//! imports it (`app/src/platform/later.rs`) and hands it an element. It opens no storage and
//! sends nothing itself, so the app's one IndexedDB connection, outbox and sync engine stay the
//! only ones: a hosted page (`mount_page`) asks the app through the function it is handed
//! (`app_bridge`); the other pages get their data as JSON and answer through DOM events on their
//! element.
//!
//! Today, hosted: the survey, the games, the invitation and the scanner (`hosted`). Handed their
//! data: checkout mode (`mount_checkout`), the e-invoice carrier form (`mount_carrier`), moving
//! to a new phone (`mount_transfer`), plain cards (`mount_plain`) and arranging the wallet
//! (`mount_arrange`).

mod app_bridge;
mod arrange;
mod carrier_form;
mod checkout;
mod events;
mod games;
mod hosted;
mod invite;
mod plain;
mod scanner;
mod style;
mod survey_form;
mod transfer;
mod words;

use wasm_bindgen::prelude::*;

/// Starts a page that reads and queues through the app (`hosted`): `props` is JSON text
/// `{"page": "survey" | "games" | "invite" | "scan", "membership_id", "ticket_id",
/// "invitation_id", "chinese"}`, and `app` answers the page's requests (`app_bridge`).
#[wasm_bindgen]
pub fn mount_page(
    root: web_sys::HtmlElement,
    props: &str,
    app: js_sys::Function,
) -> Result<(), JsValue> {
    hosted::mount(root, props, app)
}

/// Shows checkout mode in `root` (`checkout::mount`): the member QR and, when one is kept, the
/// e-invoice carrier's Code 39, a swipe or a tap apart.
#[wasm_bindgen]
pub fn mount_checkout(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    checkout::mount(root, props)
}

/// Shows the e-invoice carrier form in `root` (`carrier_form::mount`); `mw:carrier-save` asks the
/// app to keep what was typed.
#[wasm_bindgen]
pub fn mount_carrier(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    carrier_form::mount(root, props)
}

/// Shows Settings' export and import in `root` (`transfer::mount`): the wallet's stores come from
/// the app on `mw:export-request`; an import hands the app its records in `mw:import-plan`.
#[wasm_bindgen]
pub fn mount_transfer(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    transfer::mount(root, props)
}

/// Shows a plain card, or the form that adds one, in `root` (`plain::mount`).
#[wasm_bindgen]
pub fn mount_plain(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    plain::mount(root, props)
}

/// Shows arranging the wallet's cards in `root` (`arrange::mount`): each change goes to the app
/// as `mw:layout-save`.
#[wasm_bindgen]
pub fn mount_arrange(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    arrange::mount(root, props)
}
