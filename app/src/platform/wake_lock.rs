//! Keeps the screen on while the member code is shown, so it does not dim at the counter.
//!
//! The browser drops a screen wake lock whenever the page is hidden; it is asked for again when
//! the page is visible. Where the API is missing (older iOS, some in-app browsers) nothing
//! happens: the card still works, the screen just may dim.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Holds the screen awake for as long as the calling component lives, starting with `adopted`
/// (the lock the counter took before the app loaded, platform/counter.rs) when there is one.
/// Returns whether a lock is currently held, for the little "screen stays on" note.
pub fn keep_screen_awake(adopted: Option<web_sys::WakeLockSentinel>) -> ReadSignal<bool> {
    let (held, set_held) = signal(adopted.is_some());
    let sentinel: Rc<RefCell<Option<web_sys::WakeLockSentinel>>> = Rc::new(RefCell::new(adopted));

    let request = {
        let sentinel = sentinel.clone();
        move || {
            let sentinel = sentinel.clone();
            leptos::task::spawn_local(async move {
                match request_lock().await {
                    Some(lock) => {
                        *sentinel.borrow_mut() = Some(lock);
                        set_held.set(true);
                    }
                    None => set_held.set(false),
                }
            });
        }
    };
    if !held.get_untracked() {
        request();
    }

    let on_visibility = Closure::<dyn Fn()>::new(move || {
        if document().visibility_state() == web_sys::VisibilityState::Visible {
            request();
        } else {
            set_held.set(false);
        }
    });
    let listener: JsValue = on_visibility.into_js_value();
    let _ =
        document().add_event_listener_with_callback("visibilitychange", listener.unchecked_ref());

    // Cleanups must be Send for Leptos; this app is single-threaded wasm, so wrapping is sound.
    let cleanup = SendWrapper::new(move || {
        let _ = document()
            .remove_event_listener_with_callback("visibilitychange", listener.unchecked_ref());
        if let Some(lock) = sentinel.borrow_mut().take() {
            // Releasing a lock the browser already dropped is harmless.
            let _ = lock.release();
        }
    });
    on_cleanup(move || (cleanup.take())());
    held
}

async fn request_lock() -> Option<web_sys::WakeLockSentinel> {
    let navigator = window().navigator();
    let has_api = js_sys::Reflect::has(&navigator, &JsValue::from_str("wakeLock")).unwrap_or(false);
    if !has_api {
        return None;
    }
    let promise = navigator.wake_lock().request(web_sys::WakeLockType::Screen);
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}
