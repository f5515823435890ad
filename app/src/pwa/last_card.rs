//! The member card the customer opened last, for the home-screen shortcut "Show my code"
//! (`/m/last` in manifest.webmanifest). Kept in localStorage: one short id, read synchronously,
//! so the shortcut is resolved before the router starts (no route, no flash of another page).

const KEY: &str = "mw.last-card";
/// The shortcut's address. Never a card: membership ids are 12 upper-case characters.
const SHORTCUT: &str = "/m/last";

/// The membership id in a card route (`/m/<id>`), if the path is one.
pub fn card_id_in(path: &str) -> Option<&str> {
    let id = path.strip_prefix("/m/")?.trim_end_matches('/');
    (!id.is_empty() && id != "last" && !id.contains('/')).then_some(id)
}

pub fn remember(id: &str) {
    if let Some(storage) = local_storage() {
        // Not remembering only makes the shortcut open the wallet instead.
        let _ = storage.set_item(KEY, id);
    }
}

/// Where the shortcut leads: the last card shown, or the wallet when there is none. (A card no
/// longer in the wallet says so on its page and links back.)
pub fn shortcut_target(last: Option<&str>) -> String {
    match last {
        Some(id) if card_id_in(&format!("/m/{id}")).is_some() => format!("/m/{id}"),
        _ => "/".to_owned(),
    }
}

/// On `/m/last`, replaces the address (no history entry) with the shortcut's target. Called
/// before the router reads the address.
pub fn resolve_shortcut() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    if path.trim_end_matches('/') != SHORTCUT {
        return;
    }
    let last = local_storage().and_then(|s| s.get_item(KEY).ok().flatten());
    let target = shortcut_target(last.as_deref());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&target));
    }
}

// By hand: leptos-use-storage 0.20 adds 5.7 KB brotli to the first screen.
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

// wallet-app builds for wasm32 only (see scripts/test.sh), so its unit tests run in the browser
// suite, with the wasm-bindgen test runner.
#[cfg(test)]
mod tests {
    use super::{card_id_in, shortcut_target};
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn finds_the_card_in_a_card_route_only() {
        assert_eq!(card_id_in("/m/7K3D9QX2M4PA"), Some("7K3D9QX2M4PA"));
        assert_eq!(card_id_in("/m/7K3D9QX2M4PA/"), Some("7K3D9QX2M4PA"));
        assert_eq!(card_id_in("/m/last"), None, "the shortcut itself");
        assert_eq!(card_id_in("/m/"), None);
        assert_eq!(card_id_in("/"), None);
        assert_eq!(card_id_in("/settings"), None);
        assert_eq!(card_id_in("/m/a/b"), None);
    }

    #[wasm_bindgen_test]
    fn the_shortcut_opens_the_last_card_or_the_wallet() {
        assert_eq!(shortcut_target(Some("7K3D9QX2M4PA")), "/m/7K3D9QX2M4PA");
        assert_eq!(shortcut_target(None), "/");
        assert_eq!(shortcut_target(Some("")), "/");
        assert_eq!(shortcut_target(Some("last")), "/");
        assert_eq!(
            shortcut_target(Some("../join")),
            "/",
            "only a card id, never another page"
        );
    }
}
