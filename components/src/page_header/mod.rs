//! The bar at the top of a page: a back link (when the page has somewhere to go back to), the
//! title, and whatever the page adds at the end (the wallet's language and settings buttons). On a
//! member card it carries the merchant's mark and name in the brand's colours instead (the page
//! sets `--brand` on the element around it).

use leptos::prelude::*;

#[component]
pub fn PageHeader(
    #[prop(into)] title: Signal<String>,
    /// Where the back link leads; no back link without it.
    #[prop(optional, into)]
    back_href: Option<String>,
    /// The back link's accessible name, e.g. "返回".
    #[prop(optional, into)]
    back_label: Option<Signal<String>>,
    /// The merchant's mark (e.g. "晨"): the header of a member card.
    #[prop(optional, into)]
    mark: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let on_card = mark.is_some();
    let back = back_href.map(|href| {
        view! {
            <a class="back" href=href aria-label=move || back_label.map(|l| l.get()).unwrap_or_default()>
                <span aria-hidden="true">"‹"</span>
            </a>
        }
    });
    view! {
        <header class=if on_card { "card-bar" } else { "app-bar" } data-testid="page-header">
            {back}
            {mark.map(|mark| view! { <span class="card-mark" aria-hidden="true">{mark}</span> })}
            <h1 class=on_card.then_some("card-name")>{move || title.get()}</h1>
            {children.map(|children| children())}
        </header>
    }
}
