//! The frame of a page whose body is the module loaded later (the survey, the games, the scanner,
//! the invitation): the header, the element the module draws into ("opening…" until it does) and
//! what went wrong. One view for all of them: a view per page would be code of its own on the
//! first screen, which every page's wasm is.

use crate::i18n::{t, t_string, use_i18n, Locale};
use leptos::html::Div;
use leptos::prelude::*;
use wallet_components::PageHeader;

#[component]
pub fn LaterPageFrame(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] back_href: String,
    /// The page's class and test id, e.g. `games-page`.
    name: &'static str,
    /// Where the module draws.
    root: NodeRef<Div>,
    /// Why the page cannot show (its data could not be read, the module did not load).
    problem: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageHeader
            title
            back_href
            back_label=Signal::derive(move || t_string!(i18n, back).to_owned())
        />
        <main class=format!("page {name}") data-testid=name>
            <div node_ref=root><p class="muted">{t!(i18n, page_loading)}</p></div>
            {move || problem.get().map(|text| view! {
                <p class="notice error" role="alert" data-testid="page-problem">{text}</p>
            })}
        </main>
    }
}

/// Draws the module's page in `element` (`mounting`, e.g. `later::mount_checkout(&element, …)`,
/// which starts when awaited here), in place of "opening…"; when the module could not load,
/// `problem` says so (the cause goes to the console). Gives whether the page is drawn.
pub async fn mount_or_say(
    element: &web_sys::HtmlElement,
    mounting: impl std::future::Future<Output = Result<(), wasm_bindgen::JsValue>>,
    problem: RwSignal<Option<&'static str>>,
    i18n: leptos_i18n::I18nContext<Locale>,
) -> bool {
    element.set_inner_html("");
    let mounted = mounting.await;
    if let Err(error) = &mounted {
        web_sys::console::error_1(error);
        problem.try_set(Some(t_string!(i18n, page_load_failed)));
    }
    mounted.is_ok()
}
