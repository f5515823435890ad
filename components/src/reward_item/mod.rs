//! One reward of the catalogue: its title and cost, and either the button that asks for it or
//! why it cannot be asked for now (exchanging, out of stock, not enough points).

use leptos::prelude::*;

#[component]
pub fn RewardItem(
    #[prop(into)] title: String,
    /// e.g. "300 pts", "One full stamp card".
    #[prop(into)]
    cost: String,
    /// Why it cannot be exchanged now; `None` shows the button.
    #[prop(optional_no_strip)]
    status: Option<String>,
    /// The button's text, e.g. "兌換".
    #[prop(into)]
    action: String,
    on_exchange: Callback<()>,
) -> impl IntoView {
    view! {
        <li class="reward" data-testid="reward">
            <span class="reward-title">{title}</span>
            <span class="reward-cost">{cost}</span>
            {match status {
                Some(text) => view! { <span class="reward-status" data-testid="reward-status">{text}</span> }.into_any(),
                None => view! {
                    <button class="button primary" type="button" on:click=move |_| on_exchange.run(())>
                        {action}
                    </button>
                }.into_any(),
            }}
        </li>
    }
}
