//! The typed translations generated from locales/*.json by build.rs, and the choice of language:
//! the customer's own choice if they made one, else zh-TW for any Chinese browser, else English.

// The generated module re-exports every macro and builder; each page uses a few.
#![allow(unused_imports, dead_code, clippy::module_inception)]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
pub use self::i18n::*;

const CHOICE_KEY: &str = "mw.locale";

/// leptos_i18n matches `zh-TW` and `zh-Hant-TW` but sends plain `zh`, `zh-HK` and friends to the
/// default; we speak only Traditional Chinese, so every `zh*` gets it.
pub fn initial_locale() -> Locale {
    if let Some(saved) = local_storage().and_then(|s| s.get_item(CHOICE_KEY).ok().flatten()) {
        return if saved == "en" {
            Locale::en
        } else {
            Locale::zh_TW
        };
    }
    let navigator = web_sys::window().map(|w| w.navigator());
    let languages: Vec<String> = navigator
        .map(|n| n.languages().iter().filter_map(|l| l.as_string()).collect())
        .unwrap_or_default();
    match languages.first() {
        Some(first) if first.to_ascii_lowercase().starts_with("zh") => Locale::zh_TW,
        Some(_) => Locale::en,
        None => Locale::zh_TW,
    }
}

pub fn remember_choice(locale: Locale) {
    if let Some(storage) = local_storage() {
        let value = if locale == Locale::en { "en" } else { "zh-TW" };
        // Not being able to remember the language is not worth bothering the customer about.
        let _ = storage.set_item(CHOICE_KEY, value);
    }
}

pub fn is_chinese(locale: Locale) -> bool {
    locale == Locale::zh_TW
}

// By hand: leptos-use-storage 0.20 adds 5.7 KB brotli to the first screen.
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
