//! Settings' "move to a new phone": export and import are the module loaded later's
//! (`mount_transfer`, with the encryption and the file's checks); this reads and writes the
//! stores for it (storage/transfer.rs) and shows the imported cards at once.

use super::later_page::mount_or_say;
use super::storage_words::logged;
use crate::i18n::{is_chinese, t, use_i18n};
use crate::platform::{later, liff};
use crate::state::WalletState;
use crate::storage::{meta_values, transfer};
use crate::sync::SyncEngine;
use leptos::html::Div;
use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen::JsCast;

/// `imported` is bumped after each import written (Settings then shows its carrier).
#[component]
pub fn TransferSetting(imported: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let engine = expect_context::<SyncEngine>();
    let root = NodeRef::<Div>::new();
    let problem = RwSignal::new(None::<&'static str>);
    let chinese = is_chinese(i18n.get_locale_untracked());

    root.on_load(move |element| {
        let element: web_sys::HtmlElement = element.unchecked_into();
        let answer_to = element.clone();
        later::listen(&element, "mw:export-request", move |_| {
            let answer_to = answer_to.clone();
            leptos::task::spawn_local(async move {
                let answer = match transfer::read_all().await {
                    Ok(stores) => json!({ "ok": true, "stores": stores }),
                    Err(error) => {
                        logged(error);
                        json!({ "ok": false })
                    }
                };
                later::send(&answer_to, "mw:export-data", &answer);
            });
        });
        let answer_to = element.clone();
        later::listen(&element, "mw:import-plan", move |detail| {
            let answer_to = answer_to.clone();
            leptos::task::spawn_local(async move {
                let ok = match transfer::write_plan(&detail["plan"]).await {
                    Ok(()) => true,
                    Err(error) => {
                        logged(error);
                        false
                    }
                };
                if ok {
                    // The new cards show on the wallet, and their queued actions go out.
                    let _ = state.reload().await;
                    let _ = state.reload_plain_cards().await;
                    engine.request();
                    imported.try_update(|n| *n += 1);
                }
                later::send(&answer_to, "mw:import-done", &json!({ "ok": ok }));
            });
        });
        later::listen(&element, "mw:clear-all", |_| {
            crate::storage::clear_on_next_start()
        });
        leptos::task::spawn_local(async move {
            state.ensure_read().await;
            let held: Vec<String> = state
                .memberships
                .with_untracked(|all| all.iter().map(|m| m.id.as_str().to_owned()).collect());
            let held_plain: Vec<String> = state
                .plain_cards
                .with_untracked(|all| all.iter().map(|c| c.id.clone()).collect());
            let has_carrier = matches!(meta_values::carrier().await, Ok(Some(_)));
            let props = json!({
                "chinese": chinese,
                "line": liff::in_line(),
                "held": held,
                "held_plain": held_plain,
                "has_carrier": has_carrier,
            });
            mount_or_say(
                &element,
                later::mount_transfer(&element, &props.to_string()),
                problem,
                i18n,
            )
            .await;
        });
    });

    view! {
        <section class="settings-group" id="transfer" data-testid="settings-transfer">
            <h2>{t!(i18n, settings_transfer)}</h2>
            <div node_ref=root><p class="muted">{t!(i18n, page_loading)}</p></div>
            {move || problem.get().map(|text| view! { <p class="notice error" role="alert">{text}</p> })}
        </section>
    }
}
