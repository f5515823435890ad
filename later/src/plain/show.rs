//! A plain card at the counter (`/p/:id`): its name on its colour, the code large on white (QR or
//! a linear barcode, from `barcode::Linear`), the number under it (also the code's text
//! alternative), and removing the card (asked twice).

use crate::events;
use crate::words::Words;
use leptos::prelude::*;
use serde_json::json;
use wallet_core::barcode::Linear;
use wallet_core::card_face;
use wallet_core::plain_card::{PlainCard, Symbology};

/// The code's SVG, or `None` for a card shown as its number.
pub fn code_svg(symbology: Symbology, number: &str) -> Option<String> {
    match symbology {
        Symbology::Qr => card_face::qr_svg(number),
        Symbology::Code128 => Linear::Code128.svg(number),
        Symbology::Ean13 => Linear::Ean13.svg(number),
        Symbology::Code39 => Linear::Code39.svg(number),
        Symbology::Text => None,
    }
}

#[component]
pub fn PlainCardView(
    card: PlainCard,
    words: &'static Words,
    target: StoredValue<web_sys::HtmlElement, LocalStorage>,
) -> impl IntoView {
    let svg = code_svg(card.symbology, &card.number);
    let linear = !matches!(card.symbology, Symbology::Qr | Symbology::Text);
    let label = crate::words::fill(words.plain_code_label, "number", &card.number);
    let confirming = RwSignal::new(false);
    let id = card.id.clone();
    let remove = move |_| {
        if confirming.get_untracked() {
            target.with_value(|t| events::send(t, super::DELETE, &json!({ "id": id })));
        } else {
            confirming.set(true);
        }
    };
    view! {
        <div class="plain-show">
            <section class="plain-code" data-testid="plain-code-panel">
                <p class="checkout-hint">{words.checkout_member_hint}</p>
                {match svg {
                    Some(svg) => view! {
                        <div class=if linear { "checkout-barcode" } else { "checkout-qr" } role="img"
                            aria-label=label data-testid="plain-code" inner_html=svg></div>
                    }.into_any(),
                    None => view! {
                        <p class="plain-text-only" data-testid="plain-text-only">{words.plain_text_only}</p>
                    }.into_any(),
                }}
                <p class="checkout-number plain-number" data-testid="plain-number">{card.number.clone()}</p>
            </section>
            <button class="button secondary wide danger" type="button" data-testid="plain-remove" on:click=remove>
                {move || if confirming.get() { words.plain_remove_confirm } else { words.plain_remove }}
            </button>
        </div>
    }
}
