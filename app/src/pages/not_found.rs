use crate::i18n::{t, use_i18n};
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="page centered">
            <p class="notice">{t!(i18n, card_not_found)}</p>
            <a class="button primary" href="/">{t!(i18n, go_home)}</a>
        </main>
    }
}
