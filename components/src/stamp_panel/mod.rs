//! One stamp card on the member card: its title, the grid in the card's stamp colour, what the
//! next stamps give and by when the card must be complete. All text comes in translated.

use crate::StampGrid;
use leptos::prelude::*;
use wallet_core::BrandColor;

#[component]
pub fn StampPanel(
    #[prop(into)] title: String,
    /// The stamp colour (the text on it is picked to stay readable).
    stamp_color: BrandColor,
    /// Stamps on a full card.
    total: u32,
    filled: u32,
    /// How many of the filled stamps arrived since the customer last looked (they animate).
    newly_added: u32,
    /// Positions (1-based) that earn a reward.
    reward_steps: Vec<u32>,
    /// The mark drawn in a filled stamp.
    #[prop(into)]
    mark: String,
    /// The grid's accessible summary, e.g. "7 of 10 stamps".
    #[prop(into)]
    label: String,
    /// What is next, e.g. "3 more for: A scone", or that the card is complete.
    #[prop(into)]
    next: String,
    /// e.g. "Complete it by 2026/12/31"; none when the card does not expire.
    #[prop(optional_no_strip)]
    expires: Option<String>,
) -> impl IntoView {
    let style = format!(
        "--brand: {stamp_color}; --on-brand: {}",
        stamp_color.readable_text()
    );
    view! {
        <section class="panel stamp-card" style=style data-testid="stamp-card">
            <h2>{title}</h2>
            <StampGrid total filled newly_added reward_steps mark label />
            <p class="panel-caption" data-testid="stamps-next">{next}</p>
            {expires.map(|text| view! { <p class="panel-caption muted" data-testid="stamps-expires">{text}</p> })}
        </section>
    }
}
