//! Settings' e-invoice carrier: the form is the module loaded later's (`mount_carrier`, with the
//! carrier's checks and its words); this keeps what it sends in the `meta` store and answers
//! whether that worked.

use super::later_page::mount_or_say;
use super::storage_words::logged;
use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::platform::later;
use crate::storage::meta_values;
use leptos::html::Div;
use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen::JsCast;

/// `refreshed` changes when something else wrote the carrier (an import): the form is drawn
/// again with what is kept now.
#[component]
pub fn CarrierSetting(refreshed: ReadSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let root = NodeRef::<Div>::new();
    let problem = RwSignal::new(None::<&'static str>);
    let chinese = is_chinese(i18n.get_locale_untracked());
    // Reads the kept carrier and draws the form with it.
    let draw = move |element: web_sys::HtmlElement| {
        leptos::task::spawn_local(async move {
            let carrier = match meta_values::carrier().await {
                Ok(carrier) => carrier,
                Err(error) => {
                    logged(error);
                    problem.try_set(Some(t_string!(i18n, storage_error)));
                    return;
                }
            };
            let props = json!({ "carrier": carrier, "chinese": chinese });
            mount_or_say(
                &element,
                later::mount_carrier(&element, &props.to_string()),
                problem,
                i18n,
            )
            .await;
        });
    };

    root.on_load(move |element| {
        let element: web_sys::HtmlElement = element.unchecked_into();
        let answer_to = element.clone();
        later::listen(&element, "mw:carrier-save", move |detail| {
            let carrier = detail["carrier"].as_str().map(str::to_owned);
            let answer_to = answer_to.clone();
            leptos::task::spawn_local(async move {
                let ok = match meta_values::set_carrier(carrier.as_deref()).await {
                    Ok(()) => true,
                    Err(error) => {
                        logged(error);
                        false
                    }
                };
                later::send(&answer_to, "mw:carrier-saved", &json!({ "ok": ok }));
            });
        });
    });
    // Drawn once the element is there, and again after each import.
    Effect::new(move |_| {
        refreshed.track();
        if let Some(element) = root.get() {
            draw(element.unchecked_into());
        }
    });

    view! {
        <section class="settings-group" id="carrier" data-testid="settings-carrier">
            <h2>{t!(i18n, settings_carrier)}</h2>
            <div node_ref=root><p class="muted">{t!(i18n, page_loading)}</p></div>
            {move || problem.get().map(|text| view! { <p class="notice error" role="alert">{text}</p> })}
        </section>
    }
}
