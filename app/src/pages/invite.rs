//! `/m/:id/invite`: the member's referral link as a QR code, the gifts, how many friends joined
//! and what they earned, and sharing. The body is the module loaded later (`mount_invite`); this
//! page reads the `referral` entity (raw: the module checks it, so the first screen carries no
//! referral parser) and builds the link a friend opens: this wallet's `/join` with the shop's
//! join code and the member's `ref=`. In LINE the module asks this page to share through LINE's
//! share target picker (`mw:share-line`), and hears back in `mw:share-result`.

use super::later_page::{mount_or_say, LaterPageFrame};
use super::storage_words::logged;
use crate::i18n::{is_chinese, t_string, use_i18n};
use crate::membership::StoredMembership;
use crate::platform::{later, liff};
use crate::state::WalletState;
use crate::storage::sync_store;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde_json::{json, Value};
use wallet_core::referral::ReferralCode;
use wallet_core::sync::EntityKind;
use wallet_core::JoinRequest;
use wasm_bindgen::JsCast;

/// The friend's link for this referral, if the entity names a code and a join code.
fn referral_link(membership: &StoredMembership, referral: &Value) -> Option<String> {
    let code = ReferralCode::parse(referral["code"].as_str()?)?;
    let join = JoinRequest {
        issuer: membership.issuer.clone(),
        code: referral["join_code"].as_str()?.to_owned(),
    };
    let origin = window().location().origin().ok()?;
    Some(join.to_referral_link(&origin, &code))
}

#[component]
pub fn InvitePage() -> impl IntoView {
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

    root.on_load(move |element| {
        let element: web_sys::HtmlElement = element.unchecked_into();
        let answer_to = element.clone();
        later::listen(&element, "mw:share-line", move |detail| {
            let text = detail["text"].as_str().unwrap_or_default().to_owned();
            let answer_to = answer_to.clone();
            leptos::task::spawn_local(async move {
                let shared = liff::share_target_picker(&text)
                    .await
                    .unwrap_or_else(|error| {
                        web_sys::console::warn_2(&"[liff] share failed".into(), &error);
                        false
                    });
                later::send(&answer_to, "mw:share-result", &json!({ "shared": shared }));
            });
        });
        leptos::task::spawn_local(async move {
            state.ensure_read().await;
            let records = match sync_store::entities_of_kinds(
                &membership_id,
                &[EntityKind::Referral],
            )
            .await
            {
                Ok(records) => records,
                Err(error) => {
                    // A read: say the wallet could not be read, not that something was not saved.
                    logged(error);
                    problem.try_set(Some(t_string!(i18n, storage_error)));
                    return;
                }
            };
            let referral = records
                .into_iter()
                .filter(|r| !r.deleted)
                .find_map(|r| r.data)
                .unwrap_or(Value::Null);
            let found = state.find(&membership_id).and_then(|membership| {
                referral_link(&membership, &referral).map(|link| (membership, link))
            });
            let Some((membership, link)) = found else {
                problem.try_set(Some(t_string!(i18n, invite_none)));
                element.set_inner_html("");
                return;
            };
            let props = json!({
                "link": link,
                "shop": membership.merchant.name.get(chinese),
                "referral": referral,
                "chinese": chinese,
                "line": liff::ready().await,
            });
            mount_or_say(
                &element,
                later::mount_invite(&element, &props.to_string()),
                problem,
                i18n,
            )
            .await;
        });
    });

    view! {
        <LaterPageFrame
            title=Signal::derive(move || t_string!(i18n, invite_title).to_owned())
            back_href
            name="invite-page"
            root
            problem
        />
    }
}
