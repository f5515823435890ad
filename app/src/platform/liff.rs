//! LINE's LIFF (README "LINE"): inside LINE, and only when the deployment names a LIFF app
//! (`/liff-config.json`, served by `wallet-server --liff-id`), the vendored SDK
//! (`app/vendor/liff-<version>.js`, precached like every file of dist/) is imported and
//! initialised. Outside LINE nothing of it is fetched: the user agent is read, nothing else.
//!
//! Also, everywhere: a `liff.state` deep link (what LINE opens for a permanent link
//! `https://liff.line.me/<id>/join?...`) is turned into the route it names before the router
//! reads the address.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The vendored SDK; `tools/liff/build.mjs` writes it, `app/index.html` copies it into dist/.
pub const SDK_PATH: &str = "/liff-2.31.0.js";
/// Where the deployment names its LIFF app (server/src/http/mod.rs `LIFF_CONFIG_PATH`).
pub const CONFIG_PATH: &str = "/liff-config.json";

#[wasm_bindgen(inline_js = "
let started = null;
export function liff_start(config, sdk) {
  if (!started) started = fetch(config, { cache: 'no-cache', credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (c) {
      if (!c || typeof c.liff_id !== 'string' || !c.liff_id) return null;
      return import(sdk).then(function (m) {
        var liff = m.default;
        return liff.init({ liffId: c.liff_id }).then(function () { return liff; });
      });
    })
    .catch(function (e) { console.warn('[liff] not started', e); return null; });
  return started;
}
export function liff_profile(liff) {
  if (!liff.isLoggedIn()) return Promise.resolve(null);
  return liff.getProfile().then(function (p) {
    return { name: String(p.displayName || ''), picture: p.pictureUrl ? String(p.pictureUrl) : null };
  }).catch(function (e) { console.warn('[liff] no profile', e); return null; });
}
export function liff_id_token(liff) { return liff.isLoggedIn() ? liff.getIDToken() : null; }
export function liff_logged_in(liff) { return !!liff.isLoggedIn(); }
export function liff_share(liff, text) {
  return liff.shareTargetPicker([{ type: 'text', text: text }])
    .then(function (r) { return !!r && r.status === 'success'; });
}
export function liff_scan(liff) {
  if (!liff.isApiAvailable('scanCodeV2')) return null;
  return liff.scanCodeV2().then(function (r) { return (r && r.value) || ''; });
}
")]
extern "C" {
    fn liff_start(config: &str, sdk: &str) -> js_sys::Promise;
    fn liff_profile(liff: &JsValue) -> js_sys::Promise;
    fn liff_id_token(liff: &JsValue) -> Option<String>;
    fn liff_logged_in(liff: &JsValue) -> bool;
    #[wasm_bindgen(catch)]
    fn liff_share(liff: &JsValue, text: &str) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(catch)]
    fn liff_scan(liff: &JsValue) -> Result<JsValue, JsValue>;
}

/// The customer's LINE name and picture, as LINE's SDK gave them: shown on this phone only,
/// never sent to an issuer (the issuer learns who it is from the verified ID token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineProfile {
    pub name: String,
    pub picture: Option<String>,
}

/// The profile once LIFF has started and LINE gave one; `None` outside LINE.
#[derive(Clone, Copy)]
pub struct Liff {
    pub profile: RwSignal<Option<LineProfile>>,
}

/// Whether the page runs in LINE's browser (its user agent says `Line/<version>`).
pub fn in_line() -> bool {
    window()
        .navigator()
        .user_agent()
        .is_ok_and(|agent| agent.contains("Line/"))
}

/// Whether LIFF is initialised in LINE with a signed-in user (LINE's browser signs in by itself),
/// so its share target picker and scanner may be used; waits for LIFF's start. `false` outside
/// LINE, unconfigured, or failed.
pub async fn ready() -> bool {
    sdk().await.is_some_and(|sdk| liff_logged_in(&sdk))
}

/// At start: provides [`Liff`] and, in LINE, starts the SDK (never waited for by the first
/// screen).
pub fn provide() {
    let liff = Liff {
        profile: RwSignal::new(None),
    };
    provide_context(liff);
    if !in_line() {
        return;
    }
    leptos::task::spawn_local(async move {
        let Some(sdk) = sdk().await else { return };
        let Ok(profile) = JsFuture::from(liff_profile(&sdk)).await else {
            return;
        };
        let text = |key: &str| {
            js_sys::Reflect::get(&profile, &key.into())
                .ok()
                .and_then(|v| v.as_string())
        };
        if let Some(name) = text("name").filter(|n| !n.is_empty()) {
            liff.profile.try_set(Some(LineProfile {
                name,
                picture: text("picture").filter(|p| p.starts_with("https://")),
            }));
        }
    });
}

/// The initialised SDK, waiting for its start; `None` outside LINE, unconfigured, or failed.
async fn sdk() -> Option<JsValue> {
    if !in_line() {
        return None;
    }
    JsFuture::from(liff_start(CONFIG_PATH, SDK_PATH))
        .await
        .ok()
        .filter(|v| !v.is_null() && !v.is_undefined())
}

/// LINE's ID token for enrolling (the issuer verifies it with LINE and links the LINE user);
/// waits for LIFF's start. `None` outside LINE or without a signed-in user.
pub async fn id_token() -> Option<String> {
    let sdk = sdk().await?;
    liff_id_token(&sdk).filter(|t| !t.is_empty())
}

/// Shares `text` with LINE friends through LINE's share target picker: `Ok(true)` when sent,
/// `Ok(false)` when the customer closed it. Call when [`ready`].
pub async fn share_target_picker(text: &str) -> Result<bool, JsValue> {
    let sdk = sdk().await.ok_or(JsValue::NULL)?;
    let sent = JsFuture::from(liff_share(&sdk, text)?).await?;
    Ok(sent.as_bool().unwrap_or(false))
}

/// Scans a code with LINE's own scanner (`liff.scanCodeV2`): `None` when LIFF is not ready or
/// LINE does not offer it here (then use the wallet's scanner); `Some(Ok(""))` when the customer
/// closed the scanner.
pub async fn scan_code() -> Option<Result<String, JsValue>> {
    let sdk = sdk().await?;
    if !liff_logged_in(&sdk) {
        return None;
    }
    let promise = match liff_scan(&sdk) {
        Ok(p) if p.is_null() => return None,
        Ok(p) => js_sys::Promise::from(p),
        Err(e) => return Some(Err(e)),
    };
    Some(
        JsFuture::from(promise)
            .await
            .map(|v| v.as_string().unwrap_or_default()),
    )
}

/// A `liff.state` deep link (`/?liff.state=%2Fjoin%3Fissuer%3D...`) becomes the route it names,
/// replacing the address before the router reads it. Only a path of this origin is followed;
/// an OAuth return (`code` and `liffClientId` beside it) is left to the SDK, which needs them.
pub fn follow_deep_link() {
    let location = window().location();
    let Ok(search) = location.search() else {
        return;
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    let Some(state) = params.get("liff.state") else {
        return;
    };
    if params.has("liffClientId") {
        return;
    }
    if let Some(target) = route_of(&state) {
        let _ = window()
            .history()
            .and_then(|h| h.replace_state_with_url(&JsValue::NULL, "", Some(&target)));
    }
}

/// The same-origin route a `liff.state` names, or `None` for anything else (`//host`, `https:`,
/// a backslash some browsers read as a slash).
fn route_of(state: &str) -> Option<String> {
    let path = if state.starts_with('?') {
        format!("/{state}")
    } else {
        state.to_owned()
    };
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control);
    safe.then_some(path)
}

#[cfg(test)]
mod tests {
    use super::route_of;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn only_routes_of_this_origin() {
        assert_eq!(
            route_of("/join?issuer=x&code=CAFE").as_deref(),
            Some("/join?issuer=x&code=CAFE")
        );
        assert_eq!(route_of("?a=1").as_deref(), Some("/?a=1"));
        for bad in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil",
            "join",
        ] {
            assert_eq!(route_of(bad), None, "{bad}");
        }
    }
}
