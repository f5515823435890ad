//! wallet-later: what the first screen does not need, loaded when a page that needs it opens
//! (docs/architecture.md, "Features loaded later"). A second wasm module beside the app: the app
//! imports it (`app/src/platform/later.rs`), hands it an element and the data as JSON, and hears
//! back through DOM events on that element; it reads no storage and sends nothing itself, so the
//! app's one IndexedDB connection, outbox and sync engine stay the only ones.
//!
//! Today: the survey form (`mount_survey`), the games page (`mount_games`), the scanner
//! (`mount_scanner`), the invitation page (`mount_invite`), checkout mode (`mount_checkout`),
//! the e-invoice carrier form (`mount_carrier`), moving to a new phone (`mount_transfer`) and
//! plain cards (`mount_plain`) and arranging the wallet (`mount_arrange`).

mod arrange;
mod carrier_form;
mod checkout;
mod events;
mod games;
mod invite;
mod plain;
mod scanner;
mod style;
mod survey_form;
mod transfer;
mod words;

use leptos::prelude::*;
use serde::Deserialize;
use wallet_core::survey::SurveyInvitationData;
use wasm_bindgen::prelude::*;

/// What the app hands the survey page.
#[derive(Deserialize)]
struct SurveyProps {
    /// `open` (the form), or what to say instead: `queued` (answered, waiting to be online),
    /// `sent`, `answered`, `closed`, `not_found`.
    stage: String,
    /// The `survey` entity's data, for `open`.
    #[serde(default)]
    invitation: serde_json::Value,
    /// The answers typed so far (a draft the app kept), `{}` for none.
    #[serde(default)]
    draft: serde_json::Value,
    chinese: bool,
}

/// Shows the survey page's body in `root`: for an open invitation the form, which dispatches
/// `mw:survey-draft` (the answers so far, as JSON text in `detail`) on every change and
/// `mw:survey-submit` (the answers, checked by `wallet_core::survey::Answers::check`) when the
/// customer sends them; else the line that says where the survey stands.
#[wasm_bindgen]
pub fn mount_survey(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    let props: SurveyProps =
        serde_json::from_str(props).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let words = words::for_language(props.chinese);
    let note = match props.stage.as_str() {
        "open" => None,
        "queued" => Some((words.survey_queued, "survey-queued")),
        "sent" => Some((words.survey_sent, "survey-queued")),
        "answered" => Some((words.survey_answered, "survey-answered")),
        "closed" => Some((words.survey_closed, "survey-closed")),
        _ => Some((words.survey_not_found, "survey-not-found")),
    };
    let target = root.clone();
    let handle = match note {
        Some((text, testid)) => mount_to(root, move || {
            view! { <p class="notice" role="status" data-testid=testid>{text}</p> }.into_any()
        }),
        None => {
            let invitation: SurveyInvitationData = serde_json::from_value(props.invitation)
                .ok()
                .filter(SurveyInvitationData::validate)
                .ok_or_else(|| JsValue::from_str("not a survey this wallet can show"))?;
            mount_to(root, move || {
                view! {
                    <survey_form::SurveyForm
                        invitation
                        draft=props.draft
                        words
                        chinese=props.chinese
                        target
                    />
                }
                .into_any()
            })
        }
    };
    // The app clears the element when its page goes; the form lives as long as the page.
    handle.forget();
    Ok(())
}

/// Shows the games page's body in `root` (`games::mount`): the tickets and the fair-play check,
/// or one ticket played. It dispatches `mw:ticket-play` (`{"ticket_id": …}`) when a ticket is
/// revealed and `mw:seed-rotate` when the customer asks to reveal the seed, and takes fresh props
/// from `mw:games-update` events on `root`.
#[wasm_bindgen]
pub fn mount_games(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    games::mount(root, props)
}

/// Shows the scanner in `root` (`scanner::mount`): camera, photo, typed code. It dispatches
/// `mw:scan-open` (`{"path": …}`) for a wallet link and turns the camera off on `mw:page-close`.
#[wasm_bindgen]
pub fn mount_scanner(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    scanner::mount(root, props)
}

/// Shows the invitation page in `root` (`invite::mount`): the referral link as a QR code, the
/// gifts, the tally, and sharing (`mw:share-line` asks the app to share through LINE).
#[wasm_bindgen]
pub fn mount_invite(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    invite::mount(root, props)
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
