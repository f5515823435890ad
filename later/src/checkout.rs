//! Checkout mode's body (`mount_checkout`): one screen for the till with the member QR large on
//! white, the member number under it (also the QR's text alternative), and the customer's
//! e-invoice carrier as plain Code 39 when one is kept, so nobody switches apps at the till.
//! The two codes sit side by side in a row that snaps: a swipe or a tap on their tabs moves
//! between them. The app keeps the screen awake while the page is open.

use crate::words::{self, fill, Words};
use leptos::prelude::*;
use serde::Deserialize;
use std::time::Duration;
use wallet_core::barcode::Linear;
use wallet_core::card_face;
use wallet_core::einvoice_carrier::EinvoiceCarrier;
use wallet_core::protocol::TotpParams;
use wallet_core::{MemberCode, MembershipId};
use wasm_bindgen::prelude::*;

#[derive(Deserialize)]
struct CheckoutData {
    member_id: MembershipId,
    totp: TotpParams,
    /// The merchant's name in the customer's language.
    shop: String,
    /// As Settings kept it; checked again here, and not shown unless it is a carrier.
    #[serde(default)]
    carrier: Option<String>,
    chinese: bool,
}

pub fn mount(root: web_sys::HtmlElement, props: &str) -> Result<(), JsValue> {
    let props: CheckoutData =
        serde_json::from_str(props).map_err(|e| JsValue::from_str(&e.to_string()))?;
    if props.totp.to_totp().is_none() {
        return Err(JsValue::from_str("not a member code this wallet can show"));
    }
    let words = words::for_language(props.chinese);
    let target = root.clone();
    crate::style::then(crate::style::CHECKOUT, move || {
        let target = StoredValue::new_local(target);
        let handle = mount_to(root, move || view! { <Checkout props words target /> });
        handle.forget();
    });
    Ok(())
}

fn now_unix_secs() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

#[component]
fn Checkout(
    props: CheckoutData,
    words: &'static Words,
    /// Where the page is drawn: the clock stops once the app has taken it off the page.
    target: StoredValue<web_sys::HtmlElement, LocalStorage>,
) -> impl IntoView {
    let totp = props.totp.to_totp().expect("checked by mount");
    let period = totp.period_secs;
    let now = RwSignal::new(now_unix_secs());
    // Twice a second, as on the card, so a new code shows within half a second of its step.
    let ticking = StoredValue::new(None::<IntervalHandle>);
    if let Ok(handle) = set_interval_with_handle(
        move || {
            if target.with_value(|target| target.is_connected()) {
                now.set(now_unix_secs());
            } else if let Some(handle) = ticking.get_value() {
                handle.clear();
            }
        },
        Duration::from_millis(500),
    ) {
        ticking.set_value(Some(handle));
    }
    let id = props.member_id.clone();
    let step = Memo::new(move |_| now.get() / period);
    let qr = Memo::new(move |_| {
        let code = totp.code_for_step(step.get());
        card_face::qr_svg(&MemberCode::new(id.clone(), code).encode()).unwrap_or_default()
    });
    let number = props.member_id.grouped();
    let member_label = fill(
        &fill(words.checkout_member_label, "shop", &props.shop),
        "number",
        &number,
    );
    let countdown = move || {
        fill(
            words.checkout_countdown,
            "n",
            &(period - now.get() % period).to_string(),
        )
    };
    let carrier = props
        .carrier
        .as_deref()
        .and_then(|c| EinvoiceCarrier::parse(c).ok())
        .and_then(|c| Linear::Code39.svg(c.as_str()).map(|svg| (c, svg)));

    let member_panel = view! {
        <section class="checkout-code" id="checkout-member" data-testid="checkout-member">
            <p class="checkout-hint">{words.checkout_member_hint}</p>
            <div class="checkout-qr" role="img" aria-label=member_label data-testid="checkout-qr"
                inner_html=move || qr.get()></div>
            <p class="checkout-number" data-testid="checkout-number">{number}</p>
            <p class="checkout-countdown" aria-live="off">{countdown}</p>
        </section>
    };
    match carrier {
        None => view! {
            <div class="checkout">
                <div class="checkout-codes single">{member_panel}</div>
                <p class="checkout-no-carrier" data-testid="checkout-no-carrier">
                    {words.checkout_no_carrier}
                </p>
                <a class="button secondary wide" href="/settings#carrier">{words.checkout_add_carrier}</a>
            </div>
        }
        .into_any(),
        Some((carrier, svg)) => {
            let codes = NodeRef::<leptos::html::Div>::new();
            let showing = RwSignal::new(0_i32);
            // A tap on a tab scrolls its code into view; a swipe ends on one (scroll snap).
            let show = move |index: i32| {
                showing.set(index);
                if let Some(codes) = codes.get_untracked() {
                    codes.scroll_to_with_x_and_y(f64::from(index * codes.client_width()), 0.0);
                }
            };
            let on_scroll = move |_| {
                if let Some(codes) = codes.get_untracked() {
                    let width = f64::from(codes.client_width().max(1));
                    let index = (codes.scroll_left() / width).round() as i32;
                    if showing.get_untracked() != index {
                        showing.set(index);
                    }
                }
            };
            let tab = move |index: i32, text: &'static str, panel: &'static str| {
                view! {
                    <button class="checkout-tab" type="button" role="tab" aria-controls=panel
                        aria-selected=move || (showing.get() == index).to_string()
                        data-testid=format!("checkout-tab-{index}")
                        on:click=move |_| show(index)>
                        {text}
                    </button>
                }
            };
            let region_label =
                format!("{} / {}", words.checkout_member_tab, words.checkout_carrier_tab);
            let carrier_label = fill(words.checkout_carrier_label, "carrier", carrier.as_str());
            view! {
                <div class="checkout">
                    <div class="checkout-tabs" role="tablist">
                        {tab(0, words.checkout_member_tab, "checkout-member")}
                        {tab(1, words.checkout_carrier_tab, "checkout-carrier")}
                    </div>
                    // Focusable, so a keyboard scrolls it too (the tabs do the same).
                    <div class="checkout-codes" node_ref=codes on:scroll=on_scroll tabindex="0"
                        role="region" aria-label=region_label>
                        {member_panel}
                        <section class="checkout-code" id="checkout-carrier" data-testid="checkout-carrier">
                            <p class="checkout-hint">{words.checkout_carrier_hint}</p>
                            <div class="checkout-barcode" role="img" aria-label=carrier_label
                                data-testid="checkout-barcode" inner_html=svg></div>
                            <p class="checkout-number" data-testid="checkout-carrier-text">{carrier.as_str().to_owned()}</p>
                        </section>
                    </div>
                </div>
            }
            .into_any()
        }
    }
}
