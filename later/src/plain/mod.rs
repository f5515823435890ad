//! Plain cards (`mount_plain`): adding one (`/p/new`: the form, and Catima's import) and showing
//! one at the counter (`/p/:id`). The app keeps them (the `meta` store): the module sends
//! `mw:plain-save {"card"}`, `mw:plain-delete {"id"}` and `mw:plain-import {"cards"}`, and hears
//! `mw:plain-imported {"ok", "added", "skipped"}` back.

mod code_reader;
mod form;
mod show;

use crate::words::{self, Words};
use form::CatimaOutcome;
use leptos::prelude::*;
use serde::Deserialize;
use wallet_core::plain_card::PlainCard;
use wasm_bindgen::prelude::*;

pub(crate) const SAVE: &str = "mw:plain-save";
pub(crate) const DELETE: &str = "mw:plain-delete";
pub(crate) const IMPORT: &str = "mw:plain-import";
const IMPORTED: &str = "mw:plain-imported";

#[derive(Deserialize)]
struct PlainData {
    /// `new` (the form) or `show` (`card`).
    mode: String,
    #[serde(default)]
    card: Option<PlainCard>,
    chinese: bool,
}

pub fn mount(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    let props: PlainData =
        serde_json::from_str(props).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let words: &'static Words = words::for_language(props.chinese);
    let target = StoredValue::new_local(root.clone());
    let catima_outcome = RwSignal::new(CatimaOutcome::None);
    crate::events::on(&root, IMPORTED, move |detail| {
        let count = |name: &str| detail[name].as_u64().unwrap_or(0) as usize;
        catima_outcome.set(if detail["ok"] == true {
            CatimaOutcome::Imported {
                added: count("added"),
                skipped: count("skipped"),
            }
        } else {
            CatimaOutcome::Problem(words.catima_save_failed.to_owned())
        });
    });
    let card = match props.mode.as_str() {
        "new" => None,
        _ => Some(
            props
                .card
                .filter(PlainCard::is_valid)
                .ok_or_else(|| JsValue::from_str("not a card this wallet can show"))?,
        ),
    };
    crate::style::then(crate::style::CHECKOUT, move || {
        let handle = mount_to(root, move || match card {
            Some(card) => view! { <show::PlainCardView card words target /> }.into_any(),
            None => view! { <form::PlainCardForm words catima_outcome target /> }.into_any(),
        });
        handle.forget();
    });
    Ok(())
}
