//! The games' styles are a file of their own (later/wallet-later-games.css, copied to dist/ and
//! precached), not part of the first screen's stylesheet: linked when the games page first opens.
//! The page is drawn once they apply, since the scratch card's canvas takes its size from them.
//! (A `<style>` element would be simpler, and the Content-Security-Policy rightly refuses it.)

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

const HREF: &str = "/wallet-later-games.css";
const ID: &str = "mw-games-style";

/// Calls `then` once the styles apply (at once if they already do; also if they fail to load,
/// since an unstyled page beats none).
pub fn then(then: impl FnOnce() + 'static) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return then();
    };
    if document.get_element_by_id(ID).is_some() {
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
    link.set_id(ID);
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", HREF);
    let _ = head.append_child(&link);
}
