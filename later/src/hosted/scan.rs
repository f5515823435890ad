//! `/scan`: the scanner (`scanner::mount`) with the wallet's own member codes, so that one of
//! them is refused as the customer's own. A wallet link read there opens its page in the app
//! (join, join with a friend's code, claim a shop's code). In LINE, LINE's own scanner
//! (`liff.scanCodeV2`) is asked first where LINE offers it; what it read is checked the same way.

use super::PageProps;
use crate::app_bridge::App;
use crate::events;
use crate::scanner::{self, OPEN};
use serde_json::json;

pub(super) fn start(root: web_sys::HtmlElement, app: App, page: PageProps) {
    events::on(&root, OPEN, {
        let app = app.clone();
        move |detail| {
            if let Some(path) = detail["path"].as_str().filter(|p| p.starts_with('/')) {
                app.open(path);
            }
        }
    });
    wasm_bindgen_futures::spawn_local(async move {
        // The wallet may still be reading: its own member codes must be known.
        let Ok(held) = app.held().await else { return };
        let scanned = app.line_scan().await;
        let own_origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let props = json!({
            "own_origin": own_origin,
            "held": held,
            "chinese": page.chinese,
            "scanned": scanned,
        });
        if let Err(error) = scanner::mount(root, &props.to_string()) {
            web_sys::console::error_1(&error);
        }
    });
}
