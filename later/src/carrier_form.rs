//! The e-invoice carrier in Settings (`mount_carrier`): a field checked by
//! `wallet_core::einvoice_carrier` as the customer types once they have tried to save, with a
//! message that says what is wrong. Saving sends `mw:carrier-save` (`{"carrier": "/ABC1234"}`,
//! or `null` to remove it) to the app, which keeps it and answers `mw:carrier-saved`
//! (`{"ok": true|false}`).

use crate::events;
use crate::words::{self, fill, Words};
use leptos::prelude::*;
use serde::Deserialize;
use wallet_core::einvoice_carrier::{CarrierError, EinvoiceCarrier};
use wasm_bindgen::prelude::*;

const SAVE: &str = "mw:carrier-save";
const SAVED: &str = "mw:carrier-saved";

#[derive(Deserialize)]
struct CarrierData {
    /// The carrier kept now, if any.
    #[serde(default)]
    carrier: Option<String>,
    chinese: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    None,
    /// Sent to the app, which has not answered yet.
    Saving {
        removing: bool,
    },
    Saved,
    Removed,
    Failed,
}

pub fn mount(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    let props: CarrierData =
        serde_json::from_str(props).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let words = words::for_language(props.chinese);
    let outcome = RwSignal::new(Outcome::None);
    let kept = RwSignal::new(props.carrier.filter(|c| EinvoiceCarrier::parse(c).is_ok()));
    events::on(&root, SAVED, move |detail| {
        outcome.set(match (detail["ok"] == true, outcome.get_untracked()) {
            (true, Outcome::Saving { removing: true }) => Outcome::Removed,
            (true, _) => Outcome::Saved,
            (false, _) => Outcome::Failed,
        });
    });
    let target = StoredValue::new_local(root.clone());
    crate::style::then(crate::style::CHECKOUT, move || {
        let handle = mount_to(
            root,
            move || view! { <CarrierForm words outcome kept target /> },
        );
        handle.forget();
    });
    Ok(())
}

/// What is wrong, in the customer's words.
fn problem_words(words: &Words, error: &CarrierError) -> String {
    match error {
        CarrierError::Empty => words.carrier_problem_empty.to_owned(),
        CarrierError::NoSlash => words.carrier_problem_no_slash.to_owned(),
        CarrierError::WrongLength { after_slash } => {
            fill(words.carrier_problem_length, "n", &after_slash.to_string())
        }
        CarrierError::BadCharacter { character } => {
            fill(words.carrier_problem_character, "c", &character.to_string())
        }
    }
}

#[component]
fn CarrierForm(
    words: &'static Words,
    outcome: RwSignal<Outcome>,
    kept: RwSignal<Option<String>>,
    target: StoredValue<web_sys::HtmlElement, LocalStorage>,
) -> impl IntoView {
    let typed = RwSignal::new(kept.get_untracked().unwrap_or_default());
    // Quiet until the first save: nobody wants "too short" after one key.
    let tried = RwSignal::new(false);
    let problem = Memo::new(move |_| {
        let typed = typed.get();
        match EinvoiceCarrier::parse(&typed) {
            Ok(_) => None,
            Err(error) => tried.get().then(|| problem_words(words, &error)),
        }
    });
    let send = move |carrier: Option<String>| {
        outcome.set(Outcome::Saving {
            removing: carrier.is_none(),
        });
        kept.set(carrier.clone());
        target.with_value(|t| events::send(t, SAVE, &serde_json::json!({ "carrier": carrier })));
    };
    let save = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        tried.set(true);
        if let Ok(carrier) = EinvoiceCarrier::parse(&typed.get_untracked()) {
            // Shown as it will be scanned: upper-case, half-width.
            typed.set(carrier.as_str().to_owned());
            send(Some(carrier.as_str().to_owned()));
        } else {
            outcome.set(Outcome::None);
        }
    };
    let remove = move |_| {
        typed.set(String::new());
        tried.set(false);
        send(None);
    };
    let outcome_words = move || match outcome.get() {
        Outcome::None | Outcome::Saving { .. } => None,
        Outcome::Saved => Some(words.carrier_saved),
        Outcome::Removed => Some(words.carrier_removed),
        Outcome::Failed => Some(words.carrier_save_failed),
    };
    view! {
        <form class="carrier-form" novalidate on:submit=save>
            <label for="carrier-input">{words.carrier_label}</label>
            <p class="muted" id="carrier-help">{words.carrier_help}</p>
            <input id="carrier-input" data-testid="carrier-input" type="text" inputmode="text"
                autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="16"
                placeholder="/ABC1234"
                aria-describedby="carrier-help carrier-problem"
                aria-invalid=move || problem.get().is_some().to_string()
                prop:value=move || typed.get()
                on:input=move |event| typed.set(event_target_value(&event)) />
            <p class="carrier-problem" id="carrier-problem" role="alert" data-testid="carrier-problem">
                {move || problem.get()}
            </p>
            <div class="carrier-actions">
                <button class="button primary" type="submit" data-testid="carrier-save">{words.carrier_save}</button>
                {move || kept.get().is_some().then(|| view! {
                    <button class="button secondary" type="button" data-testid="carrier-remove" on:click=remove>
                        {words.carrier_remove}
                    </button>
                })}
            </div>
            <p class="carrier-outcome" role="status" data-testid="carrier-outcome">{outcome_words}</p>
        </form>
    }
}
