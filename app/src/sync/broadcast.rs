//! Tells the wallet's other tabs that the stored data changed, so they re-read it.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

const CHANNEL: &str = "member-wallet";

thread_local! {
    static CHANNEL_HANDLE: Option<web_sys::BroadcastChannel> = web_sys::BroadcastChannel::new(CHANNEL).ok();
}

/// Calls `on_change` whenever another tab says the data changed.
pub fn listen(on_change: impl Fn() + 'static) {
    CHANNEL_HANDLE.with(|channel| {
        if let Some(channel) = channel {
            let listener = Closure::<dyn Fn()>::new(on_change);
            channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
            // Lives as long as the page.
            listener.forget();
        }
    });
}

pub fn announce_change() {
    CHANNEL_HANDLE.with(|channel| {
        if let Some(channel) = channel {
            // Another tab missing one message only delays its refresh until its own next sync.
            let _ = channel.post_message(&wasm_bindgen::JsValue::from_str("changed"));
        }
    });
}
