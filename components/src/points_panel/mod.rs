//! The points balance on the member card: the balance, whose points they are (a group's shared
//! points), what pending exchanges will spend, what expires next, and a link to the ledger.

use leptos::prelude::*;

#[component]
pub fn PointsPanel(
    /// e.g. "點數".
    #[prop(into)]
    title: String,
    /// e.g. "1,234 pts".
    #[prop(into)]
    balance: String,
    /// e.g. "Shared by every Morning Group brand".
    #[prop(optional_no_strip)]
    group: Option<String>,
    /// e.g. "Exchanging −300 pts", while exchanges wait for the issuer.
    #[prop(optional_no_strip)]
    pending: Option<String>,
    /// e.g. "50 pts expire on 2026/12/31".
    #[prop(optional_no_strip)]
    expiring: Option<String>,
    #[prop(into)] ledger_href: String,
    #[prop(into)] ledger_label: String,
) -> impl IntoView {
    view! {
        <section class="panel points" data-testid="points">
            <h2>{title}</h2>
            <p class="points-balance" data-testid="points-balance">{balance}</p>
            {group.map(|text| view! { <p class="panel-caption">{text}</p> })}
            {pending.map(|text| view! { <p class="pending-badge" data-testid="points-pending">{text}</p> })}
            {expiring.map(|text| view! { <p class="panel-caption warn" data-testid="points-expiring">{text}</p> })}
            <a class="panel-link" href=ledger_href>{ledger_label}</a>
        </section>
    }
}
