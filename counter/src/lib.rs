//! wallet-counter: the member card at the counter before the app has loaded.
//!
//! On a card route (`/m/<id>`, and the "Show my code" shortcut `/m/last`) app/index.html loads
//! this module first, with no framework and a small fraction of the app's bytes. It reads the
//! membership from IndexedDB (read-only), computes the code with wallet-core's TOTP and member
//! code, and draws the card into `#counter`, a layer over the page, with the app's markup,
//! classes and words; the countdown ticks and the screen is kept awake from the first frame. The
//! app starts after it (or at once when there is nothing to draw) and its card page takes over:
//! it removes the layer and adopts the wake lock (app/src/platform/counter.rs); the layer's timer
//! then stops. docs/architecture.md, "The member QR before the app", says why it is built so.

mod face;
pub mod record;
pub mod route;
pub mod store;
mod wake;
pub mod words;

use face::Face;
use record::Card;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element};

/// The layer's id (app/src/platform/counter.rs `LAYER_ID`).
pub const LAYER_ID: &str = "counter";
/// Performance mark of the counter's QR on screen, for bench/startup-trace.mjs.
const MARK: &str = "mw:counter-qr-shown";
/// Set by the app's starter (scripts/start-after-paint.mjs) when the app starts.
const APP_STARTED: &str = "mwAppStarted";
/// As the app's card page: a new code within half a second of its step.
const TICK_MS: i32 = 500;

/// Draws the card this address names; resolves to whether it did (the app starts either way).
#[wasm_bindgen]
pub async fn show() -> bool {
    match draw().await {
        Ok(()) => true,
        Err(why) => {
            web_sys::console::info_2(&"[counter] not drawn:".into(), &why);
            false
        }
    }
}

async fn draw() -> Result<(), JsValue> {
    let id = route::this_card().ok_or("no card in this address")?;
    let record = store::membership_record(id.as_str())
        .await
        .ok_or("no such card in this wallet")?;
    let window = web_sys::window().ok_or("no window")?;
    let origin = window.location().origin().ok();
    let card = record::card_from(&record, &id, origin.as_deref())
        .map_err(|unreadable| JsValue::from_str(unreadable.0))?;
    let document = window.document().ok_or("no document")?;
    body_parsed(&document).await;
    let layer = document.create_element("div")?;
    layer.set_id(LAYER_ID);
    layer.set_class_name("boot-shell");
    let (words, chinese) = words::for_this_browser();
    let face = face::build(&document, &layer, &card, words, chinese)?;
    let ticker = Ticker {
        card,
        face,
        words,
        step: Cell::new(u64::MAX),
    };
    ticker.tick();
    // The app starts without the counter when it took too long (scripts/start-after-paint.mjs):
    // then its page is the one to show, and a layer over it would hide it.
    if js_sys::Reflect::has(&window, &JsValue::from_str(APP_STARTED)).unwrap_or(false) {
        return Err("the app started first".into());
    }
    document.body().ok_or("no body")?.append_child(&layer)?;
    if let Some(performance) = window.performance() {
        let _ = performance.mark(MARK);
    }
    let ticker = Rc::new(ticker);
    keep_ticking(&window, layer.clone(), ticker.clone())?;
    keep_awake(&document, layer, ticker);
    Ok(())
}

struct Ticker {
    card: Card,
    face: Face,
    words: &'static words::Words,
    step: Cell<u64>,
}

impl Ticker {
    fn tick(&self) {
        // Wall-clock time, as the app (TOTP needs the time of day).
        let now = (js_sys::Date::now() / 1000.0).max(0.0) as u64;
        let totp = &self.card.totp;
        let step = totp.step_at(now);
        if step != self.step.replace(step) {
            self.face.show_code(&self.card, step);
        }
        self.face
            .show_countdown(self.words, totp.seconds_left(now), totp.period_secs);
    }
}

/// Ticks until the app has taken the layer away.
fn keep_ticking(
    window: &web_sys::Window,
    layer: Element,
    ticker: Rc<Ticker>,
) -> Result<(), JsValue> {
    let interval = Rc::new(Cell::new(0));
    let stop = interval.clone();
    let tick = Closure::<dyn Fn()>::new(move || {
        if layer.is_connected() {
            ticker.tick();
        } else {
            // Handed over: a lock the app did not adopt is released.
            wake::release();
            if let Some(window) = web_sys::window() {
                window.clear_interval_with_handle(stop.get());
            }
        }
    });
    interval.set(
        window.set_interval_with_callback_and_timeout_and_arguments_0(
            tick.as_ref().unchecked_ref(),
            TICK_MS,
        )?,
    );
    tick.forget();
    Ok(())
}

/// Holds a wake lock while the layer is shown, asking again whenever the page is visible again
/// (the browser drops the lock when it is hidden), and shows the "screen stays on" line meanwhile.
fn keep_awake(document: &Document, layer: Element, ticker: Rc<Ticker>) {
    let hidden = ticker.clone();
    let ask = {
        let layer = layer.clone();
        move || {
            let layer = layer.clone();
            let ticker = ticker.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let held = wake::request().await.is_some();
                if layer.is_connected() {
                    ticker.face.show_awake(held);
                } else {
                    wake::release();
                }
            });
        }
    };
    ask();
    let on_visibility = Closure::<dyn Fn()>::new(move || {
        if !layer.is_connected() {
            return;
        }
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if visible {
            ask();
        } else {
            hidden.face.show_awake(false);
        }
    });
    let _ = document.add_event_listener_with_callback(
        "visibilitychange",
        on_visibility.as_ref().unchecked_ref(),
    );
    on_visibility.forget();
}

/// The layer goes into `<body>`; the module may be ready before the parser got there.
async fn body_parsed(document: &Document) {
    if document.body().is_some() {
        return;
    }
    let parsed = js_sys::Promise::new(&mut |resolve, _| {
        let _ = document.add_event_listener_with_callback("DOMContentLoaded", &resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(parsed).await;
}
