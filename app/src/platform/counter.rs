//! The hand-over from the counter (counter/, crate wallet-counter): on a card route the counter
//! draws the member card into `#counter`, a layer over the page, before this app has loaded, and
//! keeps the screen awake. The app's card page takes over when it is built: it removes the layer
//! in the same task that inserts its own card (so no frame and no test query sees both, or
//! neither) and adopts the counter's wake lock (so the screen never dims between the two and the
//! "screen stays on" line does not blink). docs/architecture.md, "The member QR before the app".

use wasm_bindgen::{JsCast, JsValue};

/// The layer the counter draws into (counter/src/lib.rs names it too).
const LAYER_ID: &str = "counter";
/// Where the counter leaves its `WakeLockSentinel` for the app (counter/src/wake.rs).
const WAKE_LOCK_KEY: &str = "mwCounterWakeLock";

/// Removes the counter's layer, if there is one, and takes the screen wake lock it holds (one the
/// browser has not released already).
pub fn hand_over() -> Option<web_sys::WakeLockSentinel> {
    remove_layer();
    let window = web_sys::window()?;
    let key = JsValue::from_str(WAKE_LOCK_KEY);
    let lock = js_sys::Reflect::get(&window, &key).ok()?;
    // Taken: the counter, seeing its layer gone, releases only a lock still left there.
    let _ = js_sys::Reflect::delete_property(&window, &key);
    let lock: web_sys::WakeLockSentinel = lock.dyn_into().ok()?;
    (!lock.released()).then_some(lock)
}

/// Removes the counter's layer (the app shows something other than the card it drew: a card the
/// app could not read, an error); the counter then stops and releases its wake lock itself.
pub fn remove_layer() {
    if let Some(layer) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(LAYER_ID))
    {
        layer.remove();
    }
}
