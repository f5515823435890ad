//! One tab syncs an issuer at a time: the Web Locks API serialises the tabs of this origin, one
//! lock per issuer. Where it is missing (older iOS webviews), the tab just syncs; the issuer's
//! per-client sequence numbers still make a double send harmless (as they do for a tab of an older
//! version, which held one lock for every issuer).

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use wallet_core::IssuerUrl;

/// Runs `work` holding the issuer's lock: tabs take turns per issuer, and different issuers run
/// side by side.
pub async fn exclusively<T: 'static>(
    issuer: &IssuerUrl,
    work: impl Future<Output = T> + 'static,
) -> T {
    let lock_name = format!("member-wallet-sync {}", issuer.as_str());
    let Some((locks, request)) = lock_api() else {
        return work.await;
    };
    let result: Rc<RefCell<Option<T>>> = Rc::default();
    let work = Rc::new(RefCell::new(Some(work)));
    let slot = result.clone();
    let held = {
        let work = work.clone();
        wasm_bindgen::closure::Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
            future_to_promise(async move {
                let task = work.borrow_mut().take();
                if let Some(task) = task {
                    *slot.borrow_mut() = Some(task.await);
                }
                Ok(JsValue::UNDEFINED)
            })
        })
    };
    let promise = request
        .call2(&locks, &JsValue::from_str(&lock_name), &held)
        .ok()
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    if let Some(promise) = promise {
        let _ = JsFuture::from(promise).await;
    }
    if let Some(done) = result.borrow_mut().take() {
        return done;
    }
    // The lock could not be taken at all: do the work without it.
    let task = work.borrow_mut().take();
    match task {
        Some(task) => task.await,
        None => unreachable!("the work ran under the lock but left no result"),
    }
}

fn lock_api() -> Option<(JsValue, js_sys::Function)> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = js_sys::Reflect::get(&locks, &JsValue::from_str("request")).ok()?;
    Some((locks, request.dyn_into().ok()?))
}
