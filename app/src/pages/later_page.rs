//! The frame of a page whose body is the module loaded later (the hosted pages, checkout mode,
//! plain cards, arranging the wallet): the header, the element the module draws into ("opening…"
//! until it does) and what went wrong. One view for all of them: a view per page would be code of
//! its own on the first screen, which every page's wasm is. When the page goes, the module hears
//! `mw:page-close` on its element (a camera it started goes off).

use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::platform::later;
use leptos::html::Div;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use wallet_components::PageHeader;
use wasm_bindgen::JsCast;

/// To the module: its page went.
const PAGE_CLOSE: &str = "mw:page-close";

thread_local! {
    /// Each frame's element by the frame's number, for its cleanup, which runs after the page's
    /// signals are gone (and may run after the next page's frame was drawn).
    static DRAWN_IN: RefCell<Vec<(u32, web_sys::HtmlElement)>> = const { RefCell::new(Vec::new()) };
    static FRAMES: Cell<u32> = const { Cell::new(0) };
}

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
    let frame = FRAMES.with(|n| {
        n.set(n.get().wrapping_add(1));
        n.get()
    });
    root.on_load(move |element| {
        DRAWN_IN.with(|all| all.borrow_mut().push((frame, element.unchecked_into())));
    });
    on_cleanup(move || {
        let element = DRAWN_IN.with(|all| {
            let mut all = all.borrow_mut();
            let at = all.iter().position(|(n, _)| *n == frame)?;
            Some(all.remove(at).1)
        });
        if let Some(element) = element {
            later::send(&element, PAGE_CLOSE, &serde_json::json!({}));
        }
    });
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
