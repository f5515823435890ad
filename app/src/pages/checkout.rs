//! `/m/:id/checkout`: checkout mode, one screen for the till with the member QR and the
//! customer's e-invoice carrier (kept in Settings), drawn by the module loaded later
//! (`mount_checkout`: the carrier's Code 39 and its checks weigh nothing on the first screen).
//! The screen stays awake while it is open, as on the card.

use super::later_page::{mount_or_say, LaterPageFrame};
use super::storage_words::logged;
use crate::i18n::{is_chinese, t_string, use_i18n};
use crate::platform::{later, wake_lock};
use crate::state::WalletState;
use crate::storage::meta_values;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::json;
use wasm_bindgen::JsCast;

#[component]
pub fn CheckoutPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let membership_id = use_params_map()
        .read_untracked()
        .get("id")
        .unwrap_or_default();
    let problem = RwSignal::new(None::<&'static str>);
    let root = NodeRef::<Div>::new();
    let chinese = is_chinese(i18n.get_locale_untracked());
    let back_href = format!("/m/{membership_id}");
    let _awake = wake_lock::keep_screen_awake(None);

    root.on_load(move |element| {
        let element: web_sys::HtmlElement = element.unchecked_into();
        leptos::task::spawn_local(async move {
            state.ensure_read().await;
            let Some(membership) = state.find(&membership_id) else {
                problem.try_set(Some(t_string!(i18n, card_not_found)));
                element.set_inner_html("");
                return;
            };
            // A carrier that cannot be read is left out: the member code still shows.
            let carrier = meta_values::carrier().await.unwrap_or_else(|error| {
                logged(error);
                None
            });
            let props = json!({
                "member_id": membership.id,
                "totp": membership.totp,
                "shop": membership.merchant.name.get(chinese),
                "carrier": carrier,
                "chinese": chinese,
            });
            mount_or_say(
                &element,
                later::mount_checkout(&element, &props.to_string()),
                problem,
                i18n,
            )
            .await;
        });
    });

    view! {
        <LaterPageFrame
            title=Signal::derive(move || t_string!(i18n, checkout_title).to_owned())
            back_href
            name="checkout-page"
            root
            problem
        />
    }
}
