//! `/arrange`: pin, order and archive the wallet's cards. Drawn by the module loaded later
//! (`mount_arrange`); this page hands it the cards and keeps each layout it sends (localStorage,
//! `platform::home_layout`), which the wallet page reads when it is next drawn.

use super::later_page::{mount_or_say, LaterPageFrame};
use super::wallet::home_cards;
use crate::i18n::{is_chinese, t_string, use_i18n};
use crate::platform::{home_layout, later};
use crate::state::WalletState;
use leptos::html::Div;
use leptos::prelude::*;
use serde_json::json;
use wallet_core::wallet::home_layout::HomeLayout;
use wasm_bindgen::JsCast;

#[component]
pub fn ArrangePage() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let problem = RwSignal::new(None::<&'static str>);
    let root = NodeRef::<Div>::new();
    let chinese = is_chinese(i18n.get_locale_untracked());

    root.on_load(move |element| {
        let element: web_sys::HtmlElement = element.unchecked_into();
        later::listen(&element, "mw:layout-save", |detail| {
            if let Ok(layout) = serde_json::from_value::<HomeLayout>(detail["layout"].clone()) {
                home_layout::save(&layout);
            }
        });
        leptos::task::spawn_local(async move {
            state.ensure_read().await;
            let memberships = state.memberships.get_untracked();
            let plain = state.plain_cards.get_untracked();
            let group_name = |id: &str| {
                let membership = memberships.iter().find(|m| m.id.as_str() == id)?;
                Some(membership.group.as_ref()?.name.get(chinese).to_owned())
            };
            let cards: Vec<_> = home_cards(&memberships, &plain)
                .iter()
                .map(|c| {
                    json!({
                        "id": c.id,
                        "name": c.names[if chinese { 0 } else { 1 }],
                        "names": c.names,
                        "number": c.number,
                        "added_at": c.added_at,
                        "group": c.group,
                        "group_name": c.group.and_then(|_| group_name(c.id)),
                    })
                })
                .collect();
            let mut layout = home_layout::load();
            let ids: Vec<&str> = memberships
                .iter()
                .map(|m| m.id.as_str())
                .chain(plain.iter().map(|c| c.id.as_str()))
                .collect();
            layout.keep_only(&ids);
            let props = json!({ "cards": cards, "layout": layout, "chinese": chinese });
            mount_or_say(
                &element,
                later::mount_arrange(&element, &props.to_string()),
                problem,
                i18n,
            )
            .await;
        });
    });

    view! {
        <LaterPageFrame
            title=Signal::derive(move || t_string!(i18n, arrange_title).to_owned())
            back_href="/"
            name="arrange-page"
            root
            problem
        />
    }
}
