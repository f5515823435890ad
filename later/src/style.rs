//! A later page's styles are a file of their own (later/wallet-later-*.css, copied to dist/ and
//! precached), not part of the first screen's stylesheet: linked when the page first opens. The
//! page is drawn once they apply (the scratch card's canvas takes its size from them). (A
//! `<style>` element would be simpler, and the Content-Security-Policy rightly refuses it.)

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The games page's styles.
pub const GAMES: &str = "/wallet-later-games.css";
/// The scanner's and the invitation page's.
pub const SCAN: &str = "/wallet-later-scan.css";
/// Checkout mode's and the carrier form's.
pub const CHECKOUT: &str = "/wallet-later-checkout.css";

/// Calls `then` once the styles apply (at once if they already do; also if they fail to load,
/// since an unstyled page beats none).
pub fn then(href: &'static str, then: impl FnOnce() + 'static) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return then();
    };
    if document.get_element_by_id(href).is_some() {
        return then();
    }
    let (Ok(link), Some(head)) = (document.create_element("link"), document.head()) else {
        return then();
    };
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(then)));
    let call = move || {
        if let Some(then) = done.borrow_mut().take() {
            then();
        }
    };
    let on_load = Closure::<dyn Fn()>::new(call.clone());
    let on_error = Closure::<dyn Fn()>::new(call);
    let _ = link.add_event_listener_with_callback("load", on_load.as_ref().unchecked_ref());
    let _ = link.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
    on_load.forget();
    on_error.forget();
    // The href is the id: one link per file.
    link.set_id(href);
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", href);
    let _ = head.append_child(&link);
}
