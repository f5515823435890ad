//! `/scan`: the camera, a photo or a typed code, all in the module loaded later (the scanner and
//! html5-qrcode weigh nothing on the first screen). A wallet link read there opens its page here
//! (join, join with a friend's code, claim a shop's code); anything else the module refuses itself,
//! with nothing stored. The camera goes off when the page goes. In LINE, LINE's own scanner
//! (`liff.scanCodeV2`) is asked first when LINE offers it; what it read is checked the same way.

use super::later_page::{mount_or_say, LaterPageFrame};
use crate::i18n::{is_chinese, t_string, use_i18n};
use crate::platform::{later, liff};
use crate::state::WalletState;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde_json::json;
use wasm_bindgen::JsCast;

/// To the module: the page went, turn the camera off.
const CLOSE: &str = "mw:scan-close";

thread_local! {
    /// The open scanner's element, for the page's cleanup (which runs after the page's own
    /// reactive values are gone, so it cannot read them).
    static OPEN: std::cell::RefCell<Option<web_sys::HtmlElement>> =
        const { std::cell::RefCell::new(None) };
}

/// Tells the module on `element` that the page went.
fn close(element: &web_sys::HtmlElement) {
    later::send(element, CLOSE, &json!({}));
}

#[component]
pub fn ScanPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let navigate = use_navigate();
    let problem = RwSignal::new(None::<&'static str>);
    let root = NodeRef::<Div>::new();
    let chinese = is_chinese(i18n.get_locale_untracked());

    root.on_load(move |element| {
        let element: web_sys::HtmlElement = element.unchecked_into();
        later::listen(&element, "mw:scan-open", move |detail| {
            if let Some(path) = detail["path"].as_str().filter(|p| p.starts_with('/')) {
                navigate(&super::join::page_of(path), Default::default());
            }
        });
        OPEN.with(|open| open.replace(Some(element.clone())));
        leptos::task::spawn_local(async move {
            // A wallet just opened may still be reading: its own member codes must be known.
            state.ensure_read().await;
            let held: Vec<String> = state
                .memberships
                .with_untracked(|all| all.iter().map(|m| m.id.as_str().to_owned()).collect());
            // LINE's scanner, where LINE offers it; closed or failed, the wallet's own.
            let scanned = match liff::scan_code().await {
                Some(Ok(text)) if !text.is_empty() => Some(text),
                _ => None,
            };
            let props = json!({
                "own_origin": window().location().origin().unwrap_or_default(),
                "held": held,
                "chinese": chinese,
                "scanned": scanned,
            });
            let props = props.to_string();
            let mounting = later::mount_scanner(&element, &props);
            if !mount_or_say(&element, mounting, problem, i18n).await {
                return;
            }
            // Left while the module was loading: the close sent then found no scanner to hear
            // it, so the camera it is starting now is told again.
            let still_open = OPEN.with(|open| open.borrow().as_ref() == Some(&element));
            if !still_open {
                close(&element);
            }
        });
    });
    on_cleanup(|| {
        if let Some(element) = OPEN.with(|open| open.take()) {
            close(&element);
        }
    });

    view! {
        <LaterPageFrame
            title=Signal::derive(move || t_string!(i18n, scan_title).to_owned())
            back_href="/"
            name="scan-page"
            root
            problem
        />
    }
}
