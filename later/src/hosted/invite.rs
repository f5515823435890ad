//! `/m/:id/invite`: reads the `referral` entity and builds the link a friend opens (this
//! wallet's `/join` with the shop's join code and the member's `ref=`), then draws the page
//! (`invite::mount`). In LINE the page shares through LINE's share target picker, through the app.

use super::PageProps;
use crate::app_bridge::App;
use crate::events;
use crate::invite::{self, SHARE_LINE, SHARE_RESULT};
use crate::words;
use leptos::prelude::*;
use serde_json::{json, Value};
use wallet_core::referral::ReferralCode;
use wallet_core::sync::EntityKind;
use wallet_core::{IssuerUrl, JoinRequest};

/// The friend's link for this referral, if the entity names a code and a join code.
fn referral_link(issuer: &str, referral: &Value, origin: &str) -> Option<String> {
    let code = ReferralCode::parse(referral["code"].as_str()?)?;
    let join = JoinRequest {
        issuer: IssuerUrl::parse(issuer, Some(origin)).ok()?,
        code: referral["join_code"].as_str()?.to_owned(),
    };
    Some(join.to_referral_link(origin, &code))
}

pub(super) fn start(root: web_sys::HtmlElement, app: App, page: PageProps) {
    events::on(&root, SHARE_LINE, {
        let (root, app) = (root.clone(), app.clone());
        move |detail| {
            let text = detail["text"].as_str().unwrap_or_default().to_owned();
            let (root, app) = (root.clone(), app.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let shared = app.line_share(&text).await;
                events::send(&root, SHARE_RESULT, &json!({ "shared": shared }));
            });
        }
    });
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(records) = app
            .entities(&page.membership_id, &[EntityKind::Referral])
            .await
        else {
            return;
        };
        let Ok(membership) = app.membership(&page.membership_id).await else {
            return;
        };
        let referral = records
            .into_iter()
            .filter(|r| !r.deleted)
            .find_map(|r| r.data)
            .unwrap_or(Value::Null);
        let origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let found = membership.and_then(|membership| {
            let link = referral_link(&membership.issuer, &referral, &origin)?;
            Some((membership.shop, link))
        });
        let Some((shop, link)) = found else {
            let words = words::for_language(page.chinese);
            root.set_inner_html("");
            let handle = mount_to(root, move || {
                view! {
                    <p class="notice error" role="alert" data-testid="page-problem">
                        {words.invite_none}
                    </p>
                }
            });
            return handle.forget();
        };
        let props = json!({
            "link": link,
            "shop": shop,
            "referral": referral,
            "chinese": page.chinese,
            "line": app.in_line().await,
        });
        if let Err(error) = invite::mount(root, &props.to_string()) {
            web_sys::console::error_1(&error);
        }
    });
}
