//! The member's tier as a panel of the member card.

use crate::TierProgress;
use leptos::prelude::*;

#[component]
pub fn TierPanel(
    #[prop(into)] tier_name: String,
    /// 0.0 to 1.0 of the way to the next tier; `None` at the top tier.
    progress: Option<f64>,
    /// How far the next tier is, or the top tier's benefits.
    #[prop(into)]
    caption: String,
) -> impl IntoView {
    view! { <div class="panel" data-testid="tier"><TierProgress tier_name progress caption /></div> }
}
