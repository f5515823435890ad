//! What the card says, in the language the app will choose (app/src/i18n.rs `initial_locale`:
//! the customer's remembered choice, else Traditional Chinese for any `zh*` browser or none,
//! else English). The texts are the app's own (build.rs copies them from app/locales).

pub struct Words {
    pub back: &'static str,
    pub qr_hint: &'static str,
    pub qr_label: &'static str,
    pub member_number: &'static str,
    pub one_time_code: &'static str,
    pub typed_hint: &'static str,
    pub screen_awake: &'static str,
    /// "{{ seconds }} 秒後更新" split around the number.
    pub countdown: (&'static str, &'static str),
}

include!(concat!(env!("OUT_DIR"), "/words.rs"));

/// Where the app keeps the customer's choice (app/src/i18n.rs `CHOICE_KEY`).
const CHOICE_KEY: &str = "mw.locale";

impl Words {
    /// "12 秒後更新".
    pub fn countdown(&self, seconds: u64) -> String {
        let mut text = String::from(self.countdown.0);
        wallet_core::card_face::push_digits(&mut text, seconds);
        text.push_str(self.countdown.1);
        text
    }
}

/// Whether the card is shown in Chinese: `saved` is the remembered choice, `first_language` the
/// browser's first preferred language.
pub fn chinese(saved: Option<&str>, first_language: Option<&str>) -> bool {
    match (saved, first_language) {
        (Some(saved), _) => saved != "en",
        (None, Some(first)) => first.to_ascii_lowercase().starts_with("zh"),
        (None, None) => true,
    }
}

/// The words for this browser.
pub fn for_this_browser() -> (&'static Words, bool) {
    let window = web_sys::window();
    let saved = window
        .as_ref()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(CHOICE_KEY).ok().flatten());
    let first = window.and_then(|w| w.navigator().languages().get(0).as_string());
    let zh = chinese(saved.as_deref(), first.as_deref());
    (if zh { &ZH_TW } else { &EN }, zh)
}
