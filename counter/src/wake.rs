//! Keeps the screen awake from the counter's first frame, as the app's card page does
//! (app/src/platform/wake_lock.rs), and leaves the lock on `window` for the app to adopt at the
//! hand-over (app/src/platform/counter.rs): the screen never dims between the two. A lock that
//! arrives after the hand-over, or one the app did not take, is released here.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::WakeLockSentinel;

/// app/src/platform/counter.rs `WAKE_LOCK_KEY`.
const KEY: &str = "mwCounterWakeLock";

/// Asks for a screen wake lock; `Some` once held and left for the app, `None` where the API is
/// missing or the browser refused.
pub async fn request() -> Option<()> {
    let window = web_sys::window()?;
    let navigator = window.navigator();
    if !Reflect::has(&navigator, &JsValue::from_str("wakeLock")).unwrap_or(false) {
        return None;
    }
    let promise = navigator.wake_lock().request(web_sys::WakeLockType::Screen);
    let lock: WakeLockSentinel = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    if let Some(previous) = take(&window) {
        let _ = previous.release();
    }
    Reflect::set(&window, &JsValue::from_str(KEY), &lock).ok()?;
    Some(())
}

/// Releases the lock still left for the app (the app did not adopt it).
pub fn release() {
    if let Some(lock) = web_sys::window().as_ref().and_then(take) {
        let _ = lock.release();
    }
}

fn take(window: &web_sys::Window) -> Option<WakeLockSentinel> {
    let key = JsValue::from_str(KEY);
    let lock = Reflect::get(window, &key).ok()?.dyn_into().ok()?;
    let _ = Reflect::delete_property(window, &key);
    Some(lock)
}
