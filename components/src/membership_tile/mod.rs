//! One membership in the wallet list: the merchant's colour, mark and name, as a link to its card.
//! A plain card (a shop without an issuer) is drawn the same way.

use leptos::prelude::*;
use wallet_core::BrandColor;

#[component]
pub fn MembershipTile(
    #[prop(into)] name: String,
    #[prop(into)] tagline: String,
    #[prop(into)] mark: String,
    brand_color: BrandColor,
    /// The member number, grouped for reading.
    #[prop(into)]
    member_number: String,
    #[prop(into)] member_number_label: String,
    #[prop(into)] href: String,
    /// `plain-card-tile` for a plain card.
    #[prop(default = "membership-tile")]
    testid: &'static str,
) -> impl IntoView {
    let style = format!(
        "--brand: {brand_color}; --on-brand: {}",
        brand_color.readable_text()
    );
    view! {
        <a class="tile" href=href style=style data-testid=testid>
            <span class="tile-mark" aria-hidden="true">{mark}</span>
            <span class="tile-text">
                <span class="tile-name">{name}</span>
                <span class="tile-tagline">{tagline}</span>
            </span>
            <span class="tile-number">
                <span class="visually-hidden">{member_number_label}</span>
                {member_number}
            </span>
        </a>
    }
}
