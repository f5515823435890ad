//! Installing the wallet to the home screen: whether it already runs installed, Chrome's install
//! offer (`beforeinstallprompt`, kept by a small script in index.html because it may fire before
//! the wasm starts), and whether this is iOS Safari, which has no offer but an "Add to Home
//! Screen" item in its Share menu.

use js_sys::{Function, Reflect};
use leptos::prelude::window;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where index.html keeps the deferred `beforeinstallprompt` event.
const STASH: &str = "__mwInstallPrompt";
/// Dispatched by index.html when it stashes one.
const INSTALLABLE_EVENT: &str = "mw:installable";

/// What the wallet can offer here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstallOption {
    /// Running from the home screen already: offer nothing.
    Installed,
    /// Chrome (Android, desktop) offered installing: a button can open its dialog.
    Prompt,
    /// iOS Safari: no dialog exists; show how to use Share -> Add to Home Screen.
    IosGuide,
    /// Anything else (in-app browsers such as LINE's, Firefox, Chrome before it offers).
    Nothing,
}

pub fn current_option() -> InstallOption {
    if is_standalone() {
        InstallOption::Installed
    } else if has_deferred_prompt() {
        InstallOption::Prompt
    } else if is_ios_safari(&user_agent(), window().navigator().max_touch_points()) {
        InstallOption::IosGuide
    } else {
        InstallOption::Nothing
    }
}

/// Launched from the home screen: `display-mode: standalone` (every browser that installs PWAs),
/// or Safari's own `navigator.standalone`.
pub fn is_standalone() -> bool {
    let media = window()
        .match_media("(display-mode: standalone)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches());
    let ios = Reflect::get(&window().navigator(), &JsValue::from_str("standalone"))
        .ok()
        .and_then(|value| value.as_bool())
        .unwrap_or(false);
    media || ios
}

fn user_agent() -> String {
    window().navigator().user_agent().unwrap_or_default()
}

/// Safari on iPhone, iPad or iPod, not another browser's shell or an in-app browser (which
/// cannot add to the home screen). iPadOS Safari presents itself as a Mac: the touch points
/// tell them apart.
pub fn is_ios_safari(user_agent: &str, max_touch_points: i32) -> bool {
    let ios = ["iPhone", "iPad", "iPod"]
        .iter()
        .any(|d| user_agent.contains(d))
        || (user_agent.contains("Macintosh") && max_touch_points > 1);
    let other = [
        "CriOS",
        "FxiOS",
        "EdgiOS",
        "OPiOS",
        "GSA/",
        "Line/",
        "FBAN",
        "FBAV",
        "Instagram",
    ]
    .iter()
    .any(|marker| user_agent.contains(marker));
    ios && !other && user_agent.contains("Safari/")
}

fn deferred_prompt() -> Option<JsValue> {
    let value = Reflect::get(&window(), &JsValue::from_str(STASH)).ok()?;
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

fn has_deferred_prompt() -> bool {
    deferred_prompt().is_some()
}

/// Opens Chrome's install dialog. Returns whether the customer accepted; `None` when there was
/// no offer. An offer can be used once, so it is dropped either way.
pub async fn prompt() -> Option<bool> {
    let event = deferred_prompt()?;
    let _ = Reflect::delete_property(&window(), &JsValue::from_str(STASH));
    let prompt: Function = Reflect::get(&event, &"prompt".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let _ = prompt.call0(&event);
    let choice = Reflect::get(&event, &"userChoice".into()).ok()?;
    let outcome = JsFuture::from(js_sys::Promise::resolve(&choice))
        .await
        .ok()?;
    let outcome = Reflect::get(&outcome, &"outcome".into())
        .ok()?
        .as_string()?;
    Some(outcome == "accepted")
}

/// Calls `changed` whenever what can be offered may have changed: an offer arrived, the app was
/// installed, or the display mode changed. Lives as long as the page.
pub fn on_change(changed: impl Fn() + 'static) {
    let callback = Closure::<dyn Fn()>::new(changed);
    let function: &Function = callback.as_ref().unchecked_ref();
    let _ = window().add_event_listener_with_callback(INSTALLABLE_EVENT, function);
    let _ = window().add_event_listener_with_callback("appinstalled", function);
    if let Some(query) = window()
        .match_media("(display-mode: standalone)")
        .ok()
        .flatten()
    {
        let _ = query.add_event_listener_with_callback("change", function);
    }
    callback.forget();
}

// wallet-app builds for wasm32 only (see scripts/test.sh), so its unit tests run in the browser
// suite, with the wasm-bindgen test runner.
#[cfg(test)]
mod tests {
    use super::is_ios_safari;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    const IPHONE_SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const IPHONE_CHROME: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1";
    const IPHONE_LINE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/14.9.0";
    const IPAD_AS_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
    const ANDROID_CHROME: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36";

    #[wasm_bindgen_test]
    fn only_safari_on_ios_gets_the_guide() {
        assert!(is_ios_safari(IPHONE_SAFARI, 5));
        assert!(
            is_ios_safari(IPAD_AS_MAC, 5),
            "iPadOS presents itself as a Mac"
        );
        assert!(!is_ios_safari(IPAD_AS_MAC, 0), "a real Mac");
        assert!(!is_ios_safari(IPHONE_CHROME, 5));
        assert!(
            !is_ios_safari(IPHONE_LINE, 5),
            "LINE's in-app browser cannot install"
        );
        assert!(!is_ios_safari(ANDROID_CHROME, 5));
    }
}
