//! `/p/:id`: a plain card at the counter, and `/p/new`: adding one (or importing Catima's cards).
//! Both are drawn by the module loaded later (`mount_plain`: the barcodes, the form, Catima's
//! ZIP); this page keeps the cards (`meta`, via `WalletState`) and keeps the screen awake while
//! one is shown.

use super::later_page::{mount_or_say, LaterPageFrame};
use super::storage_words::logged;
use crate::i18n::{is_chinese, t_string, use_i18n};
use crate::platform::{home_layout, later, wake_lock};
use crate::state::WalletState;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use serde_json::json;
use wallet_core::plain_card::PlainCard;
use wasm_bindgen::JsCast;

#[component]
pub fn PlainCardPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let navigate = use_navigate();
    let id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let problem = RwSignal::new(None::<&'static str>);
    let root = NodeRef::<Div>::new();
    let chinese = is_chinese(i18n.get_locale_untracked());
    // `/p/new` has no id.
    let adding = id.is_empty();
    let title = RwSignal::new(if adding {
        t_string!(i18n, plain_new_title).to_owned()
    } else {
        String::new()
    });
    if !adding {
        let _awake = wake_lock::keep_screen_awake(None);
    }

    root.on_load(move |element| {
        let element: web_sys::HtmlElement = element.unchecked_into();
        {
            let navigate = navigate.clone();
            later::listen(&element, "mw:plain-save", move |detail| {
                let Ok(card) = serde_json::from_value::<PlainCard>(detail["card"].clone()) else {
                    return;
                };
                let navigate = navigate.clone();
                leptos::task::spawn_local(async move {
                    match state.add_plain_cards(vec![card.clone()]).await {
                        Ok(1) => navigate(&format!("/p/{}", card.id), Default::default()),
                        // Not kept: the wallet holds its most plain cards already.
                        Ok(_) => {
                            problem.try_set(Some(t_string!(i18n, save_failed)));
                        }
                        Err(error) => {
                            logged(error);
                            problem.try_set(Some(t_string!(i18n, save_failed)));
                        }
                    }
                });
            });
        }
        {
            let navigate = navigate.clone();
            later::listen(&element, "mw:plain-delete", move |detail| {
                let id = detail["id"].as_str().unwrap_or_default().to_owned();
                let navigate = navigate.clone();
                leptos::task::spawn_local(async move {
                    match state.remove_plain_card(&id).await {
                        Ok(()) => navigate("/", Default::default()),
                        Err(error) => {
                            logged(error);
                            problem.try_set(Some(t_string!(i18n, save_failed)));
                        }
                    }
                });
            });
        }
        let answer_to = element.clone();
        later::listen(&element, "mw:plain-import", move |detail| {
            let cards: Vec<PlainCard> =
                serde_json::from_value(detail["cards"].clone()).unwrap_or_default();
            let total = cards.len();
            let answer_to = answer_to.clone();
            leptos::task::spawn_local(async move {
                let answer = match state.add_plain_cards(cards).await {
                    Ok(added) => json!({ "ok": true, "added": added, "skipped": total - added }),
                    Err(error) => {
                        logged(error);
                        json!({ "ok": false })
                    }
                };
                later::send(&answer_to, "mw:plain-imported", &answer);
            });
        });
        let id = id.clone();
        leptos::task::spawn_local(async move {
            state.ensure_read().await;
            let props = if adding {
                json!({ "mode": "new", "chinese": chinese })
            } else {
                let Some(card) = state
                    .plain_cards
                    .with_untracked(|all| all.iter().find(|c| c.id == id).cloned())
                else {
                    problem.try_set(Some(t_string!(i18n, card_not_found)));
                    element.set_inner_html("");
                    return;
                };
                title.try_set(card.name.clone());
                home_layout::touch(&card.id);
                json!({ "mode": "show", "card": card, "chinese": chinese })
            };
            mount_or_say(
                &element,
                later::mount_plain(&element, &props.to_string()),
                problem,
                i18n,
            )
            .await;
        });
    });

    view! {
        <LaterPageFrame
            title=Signal::derive(move || title.get())
            back_href="/"
            name="plain-card-page"
            root
            problem
        />
    }
}
