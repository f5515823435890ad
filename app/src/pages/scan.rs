//! `/scan`: the camera, a photo or a typed code, all in the module loaded later (the scanner and
//! html5-qrcode weigh nothing on the first screen). A wallet link read there opens its page here
//! (join, join with a friend's code, claim a shop's code); anything else the module refuses itself,
//! with nothing stored. The camera goes off when the page goes (`LaterPageFrame` says so). In
//! LINE, LINE's own scanner (`liff.scanCodeV2`) is asked first when LINE offers it; what it read
//! is checked the same way.

use super::later_page::{mount_or_say, LaterPageFrame};
use crate::i18n::{is_chinese, t_string, use_i18n};
use crate::platform::{later, liff};
use crate::state::WalletState;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde_json::json;
use wasm_bindgen::JsCast;

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
            mount_or_say(&element, mounting, problem, i18n).await;
        });
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
