//! The wallet page's layout (`wallet_core::wallet::home_layout`: pins, the arranged order,
//! archived cards, when each was last opened), kept in localStorage like the language: a
//! preference of this phone, read synchronously when the page is drawn.

use wallet_core::wallet::home_layout::HomeLayout;

const KEY: &str = "mw.home-layout";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The layout kept, or the default (newest and most recently used first) when there is none or
/// it does not read back.
pub fn load() -> HomeLayout {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Keeps `layout`; where localStorage refuses, the wallet just keeps its default order.
pub fn save(layout: &HomeLayout) {
    if let (Some(storage), Ok(text)) = (storage(), serde_json::to_string(layout)) {
        let _ = storage.set_item(KEY, &text);
    }
}

/// Notes that the card `id` was opened now (most recently used first on the wallet page).
pub fn touch(id: &str) {
    let mut layout = load();
    layout.touch(id, js_sys::Date::now());
    save(&layout);
}
