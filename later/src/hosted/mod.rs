//! The pages the app hosts with no code of their own (`mount_page`; the app's side is
//! `app/src/pages/hosted_page.rs`): the survey, the games, the invitation and the scanner. Each
//! reads what it shows and queues what the customer does through the app (`app_bridge`), then
//! draws the page's body (`mount_survey`, `games::mount`, …), whose events it answers. So the
//! first screen carries none of these pages' reading, drafts or queueing.

mod games;
mod invite;
mod scan;
mod survey;

use crate::app_bridge::App;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// What the app hands every hosted page: its name, the route's parameters and the language.
#[derive(Deserialize)]
struct PageProps {
    page: String,
    #[serde(default)]
    membership_id: String,
    /// `/m/:id/games/:ticket`
    #[serde(default)]
    ticket_id: String,
    /// `/m/:id/survey/:invitation`
    #[serde(default)]
    invitation_id: String,
    chinese: bool,
}

/// From the app: what it stores changed (a sync, another tab, an action queued).
const STORED_CHANGED: &str = "mw:stored-changed";

/// Starts the page `props.page` in `root` (it draws once it has read what it shows).
pub fn mount(
    root: web_sys::HtmlElement,
    props: &str,
    app: js_sys::Function,
) -> Result<(), JsValue> {
    let props: PageProps =
        serde_json::from_str(props).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let app = App::new(app);
    match props.page.as_str() {
        "survey" => survey::start(root, app, props),
        "games" => games::start(root, app, props),
        "invite" => invite::start(root, app, props),
        "scan" => scan::start(root, app, props),
        other => return Err(JsValue::from_str(&format!("no page {other}"))),
    }
    Ok(())
}

/// The clock, in seconds since the epoch.
fn now_unix() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
