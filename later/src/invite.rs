//! The invitation page's body (`mount_invite`, member-get-member): the member's referral link as a
//! QR code a friend scans from this screen, what each side gets, how many friends joined and what
//! they earned the member, and sharing: through LINE's share target picker in LINE (the app does
//! that: `mw:share-line`, answered by `mw:share-result`), else the Web Share API, else a copy of
//! the link.

use crate::events;
use crate::words::{self, fill, Words};
use leptos::prelude::*;
use serde::Deserialize;
use wallet_core::referral::{ReferralData, ReferralGift};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// To the app, in LINE: share `{"text": …}` with the share target picker.
pub const SHARE_LINE: &str = "mw:share-line";
/// From the app: `{"shared": true|false}`.
pub const SHARE_RESULT: &str = "mw:share-result";

#[derive(Deserialize)]
struct InvitePage {
    /// The referral link (`<wallet>/join?issuer=…&code=…&ref=…`).
    link: String,
    /// The merchant's name in the customer's language.
    shop: String,
    /// The `referral` entity's data.
    referral: serde_json::Value,
    chinese: bool,
    /// Running in LINE with the share target picker available.
    #[serde(default)]
    line: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Shared {
    Not,
    Sent,
    Copied,
    Failed,
}

pub fn mount(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    let props: InvitePage =
        serde_json::from_str(props).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let referral: ReferralData = serde_json::from_value(props.referral.clone())
        .ok()
        .filter(ReferralData::validate)
        .ok_or_else(|| JsValue::from_str("not a referral this wallet can show"))?;
    let words = words::for_language(props.chinese);
    let shared = RwSignal::new(Shared::Not);
    events::on(&root, SHARE_RESULT, move |detail| {
        shared.set(if detail["shared"] == true {
            Shared::Sent
        } else {
            Shared::Failed
        });
    });
    let target = root.clone();
    crate::style::then(crate::style::SCAN, move || {
        let handle = mount_to(root, move || {
            let target = StoredValue::new_local(target);
            view! { <Invite props referral words shared target /> }
        });
        handle.forget();
    });
    Ok(())
}

/// "2 stamps and 50 points and Free Latte", or `None` for a gift of nothing: what one side of a
/// referral gets, or what the member has earned so far.
fn gift_words(words: &Words, stamps: i64, points: i64, more: Option<String>) -> Option<String> {
    let parts: Vec<String> = [
        (stamps > 0).then(|| fill(words.invite_gift_stamps, "n", &stamps.to_string())),
        (points > 0).then(|| fill(words.invite_gift_points, "n", &points.to_string())),
        more,
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(words.invite_and))
}

fn gift_text(gift: &ReferralGift, words: &Words, chinese: bool) -> Option<String> {
    let coupon = gift
        .coupon_title
        .as_ref()
        .map(|t| t.get(chinese).to_owned());
    gift_words(words, gift.stamps.into(), gift.points, coupon)
}

fn earned(referral: &ReferralData, words: &Words) -> Option<String> {
    let coupons = (referral.earned_coupons > 0).then(|| {
        fill(
            words.invite_gift_coupons,
            "n",
            &referral.earned_coupons.to_string(),
        )
    });
    gift_words(
        words,
        referral.earned_stamps,
        referral.earned_points,
        coupons,
    )
}

#[component]
fn Invite(
    props: InvitePage,
    referral: ReferralData,
    words: &'static Words,
    shared: RwSignal<Shared>,
    target: StoredValue<web_sys::HtmlElement, LocalStorage>,
) -> impl IntoView {
    let chinese = props.chinese;
    let qr = wallet_core::card_face::qr_svg(&props.link).unwrap_or_default();
    let friend_gets = gift_text(&referral.friend_gift, words, chinese)
        .map(|gift| fill(words.invite_friend_gets, "gift", &gift));
    let you_get = gift_text(&referral.referrer_gift, words, chinese)
        .map(|gift| fill(words.invite_you_get, "gift", &gift));
    let earned_text = match earned(&referral, words) {
        Some(gift) => fill(words.invite_earned, "gift", &gift),
        None => words.invite_earned_none.to_owned(),
    };
    let share_text = format!(
        "{} {}",
        fill(words.invite_share_text, "shop", &props.shop),
        props.link
    );
    let link = props.link.clone();
    let share = {
        let (link, share_text, shop) = (link.clone(), share_text.clone(), props.shop.clone());
        move |_| {
            if props.line {
                target.with_value(|target| {
                    events::send(
                        target,
                        SHARE_LINE,
                        &serde_json::json!({ "text": share_text }),
                    )
                });
                return;
            }
            let (link, shop, share_text) = (link.clone(), shop.clone(), share_text.clone());
            leptos::task::spawn_local(async move {
                shared.set(match web_share(&shop, &share_text, &link).await {
                    Some(true) => Shared::Sent,
                    // Cancelled by the customer: nothing to say.
                    Some(false) => Shared::Not,
                    None => match copy(&link).await {
                        true => Shared::Copied,
                        false => Shared::Failed,
                    },
                });
            });
        }
    };
    let copy_link = move |_| {
        let link = link.clone();
        leptos::task::spawn_local(async move {
            shared.set(if copy(&link).await {
                Shared::Copied
            } else {
                Shared::Failed
            });
        });
    };
    let outcome = move || match shared.get() {
        Shared::Not => None,
        Shared::Sent => Some(words.invite_shared),
        Shared::Copied => Some(words.invite_copied),
        Shared::Failed => Some(words.invite_share_failed),
    };

    view! {
        <section class="invite">
            <p>{fill(words.invite_intro, "shop", &props.shop)}</p>
            {(!referral.active).then(|| view! {
                <p class="notice" data-testid="invite-inactive">{words.invite_inactive}</p>
            })}
            {referral.active.then(|| view! {
                <ul class="invite-gifts" data-testid="invite-gifts">
                    {friend_gets.map(|text| view! { <li>{text}</li> })}
                    {you_get.map(|text| view! { <li>{text}</li> })}
                    {referral.on_first_purchase.then(|| view! { <li>{words.invite_you_get_on_purchase}</li> })}
                </ul>
            })}
            <div class="invite-qr" role="img" aria-label=props.link.clone() data-testid="invite-qr" inner_html=qr></div>
            <p class="invite-code">
                <span>{words.invite_code}</span>
                <strong data-testid="invite-code">{referral.code.grouped()}</strong>
            </p>
            <button class="button primary wide" type="button" on:click=share data-testid="invite-share">
                {words.invite_share}
            </button>
            <button class="button secondary wide" type="button" on:click=copy_link data-testid="invite-copy">
                {words.invite_copy}
            </button>
            {move || outcome().map(|text| view! {
                <p class="invite-outcome" role="status" data-testid="invite-outcome">{text}</p>
            })}
            <dl class="invite-tally" data-testid="invite-tally">
                <div><dt>{fill(words.invite_joined, "n", &referral.friends_joined.to_string())}</dt></div>
                {(referral.friends_pending > 0).then(|| view! {
                    <div><dt>{fill(words.invite_pending, "n", &referral.friends_pending.to_string())}</dt></div>
                })}
                <div><dt data-testid="invite-earned">{earned_text}</dt></div>
            </dl>
        </section>
    }
}

/// `navigator.share`: `Some(true)` shared, `Some(false)` cancelled, `None` where the browser has
/// no Web Share (desktop Chromium, some in-app browsers) or refused it.
async fn web_share(title: &str, text: &str, url: &str) -> Option<bool> {
    let navigator = web_sys::window()?.navigator();
    let share = js_sys::Reflect::get(&navigator, &"share".into()).ok()?;
    let share: js_sys::Function = share.dyn_into().ok()?;
    let data = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&data, &"title".into(), &title.into());
    let _ = js_sys::Reflect::set(&data, &"text".into(), &text.into());
    let _ = js_sys::Reflect::set(&data, &"url".into(), &url.into());
    let promise: js_sys::Promise = share.call1(&navigator, &data).ok()?.dyn_into().ok()?;
    match JsFuture::from(promise).await {
        Ok(_) => Some(true),
        Err(error) => {
            let name = js_sys::Reflect::get(&error, &"name".into())
                .ok()
                .and_then(|n| n.as_string());
            (name.as_deref() == Some("AbortError")).then_some(false)
        }
    }
}

/// Copies `text` to the clipboard; `false` where that is not allowed.
pub(crate) async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &"clipboard".into()).ok();
    let write = clipboard
        .as_ref()
        .and_then(|c| js_sys::Reflect::get(c, &"writeText".into()).ok())
        .and_then(|w| w.dyn_into::<js_sys::Function>().ok());
    let (Some(clipboard), Some(write)) = (clipboard, write) else {
        return false;
    };
    let Ok(promise) = write.call1(&clipboard, &text.into()) else {
        return false;
    };
    match promise.dyn_into::<js_sys::Promise>() {
        Ok(promise) => JsFuture::from(promise).await.is_ok(),
        Err(_) => false,
    }
}
