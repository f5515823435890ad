//! Registers the service worker (service-worker/sw.js, served as /sw.js) and follows its updates.
//!
//! Optional by design: LINE's iOS webview and some in-app browsers have no service worker, a
//! private window may refuse one, and a test may block it. Then nothing happens here, the app has
//! already started, and it shows the cards from IndexedDB all the same; only a cold start offline
//! is impossible (there is nothing to load index.html from).
//!
//! Updates are the customer's choice: a new worker installs and waits; `update` turns to
//! `Waiting`, the app shows a quiet action, and only `apply_update` (their tap) activates it and
//! reloads. Nothing reloads the page on its own, so a member code on screen is never interrupted.

use js_sys::{Object, Reflect};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    ServiceWorker, ServiceWorkerContainer, ServiceWorkerRegistration, ServiceWorkerState,
};

const SCRIPT: &str = "/sw.js";
/// How often a page left open (an installed app lives for days) asks for a new version when it
/// comes back to the foreground. Every start asks anyway: the browser checks on navigation.
const UPDATE_CHECK_EVERY_MS: f64 = 60.0 * 60.0 * 1000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Support {
    /// Not known yet: registration runs after the page has loaded.
    Pending,
    /// A worker is registered.
    Registered,
    /// No service worker here (missing API, refused, blocked): the app works online and from
    /// IndexedDB, but cannot start without a network.
    Unavailable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Update {
    None,
    /// A new version is installed and waits for the customer's tap.
    Waiting,
    /// Another tab activated a new version: this page runs the old one until it reloads.
    Activated,
}

/// What the app shows about the worker: provided as context by `start`.
#[derive(Clone, Copy)]
pub struct ServiceWorkerStatus {
    pub support: RwSignal<Support>,
    /// A worker controls this page: the next start works offline.
    pub offline_ready: RwSignal<bool>,
    pub update: RwSignal<Update>,
}

thread_local! {
    static REGISTRATION: RefCell<Option<ServiceWorkerRegistration>> = const { RefCell::new(None) };
    /// Set by the customer's tap: the next controller change reloads into the new version.
    static RELOAD_ON_CHANGE: Cell<bool> = const { Cell::new(false) };
    static LAST_CHECK_MS: Cell<f64> = const { Cell::new(0.0) };
}

/// Provides the status and registers the worker once the page has loaded (so that the worker's
/// precaching never competes with the first screen for the network). Never blocks, never fails.
pub fn start() -> ServiceWorkerStatus {
    let status = ServiceWorkerStatus {
        support: RwSignal::new(Support::Pending),
        offline_ready: RwSignal::new(false),
        update: RwSignal::new(Update::None),
    };
    provide_context(status);
    let Some(container) = container() else {
        status.support.set(Support::Unavailable);
        return status;
    };
    status.offline_ready.set(container.controller().is_some());
    let run = move || leptos::task::spawn_local(register(container.clone(), status));
    if document().ready_state() == "complete" {
        run();
    } else {
        let on_load = Closure::once_into_js(run);
        let _ = window().add_event_listener_with_callback("load", on_load.unchecked_ref());
    }
    status
}

/// `navigator.serviceWorker`, where it exists.
fn container() -> Option<ServiceWorkerContainer> {
    let navigator = window().navigator();
    let value = Reflect::get(&navigator, &JsValue::from_str("serviceWorker")).ok()?;
    if value.is_undefined() || value.is_null() {
        return None;
    }
    value.dyn_into().ok()
}

async fn register(container: ServiceWorkerContainer, status: ServiceWorkerStatus) {
    let had_controller = container.controller().is_some();
    let on_controller_change = Closure::<dyn Fn()>::new(move || {
        if RELOAD_ON_CHANGE.get() {
            let _ = window().location().reload();
            return;
        }
        status.offline_ready.set(true);
        // The first worker taking control is not an update; a later change came from another tab.
        if had_controller {
            status.update.set(Update::Activated);
        }
    });
    container.set_oncontrollerchange(Some(on_controller_change.as_ref().unchecked_ref()));
    on_controller_change.forget();

    let registration = match JsFuture::from(container.register(SCRIPT)).await {
        // Some environments resolve without a registration (Playwright's "block" does).
        Ok(value) => value.dyn_into::<ServiceWorkerRegistration>().ok(),
        Err(error) => {
            web_sys::console::warn_2(&"service worker not registered:".into(), &error);
            None
        }
    };
    let Some(registration) = registration else {
        status.support.set(Support::Unavailable);
        return;
    };
    status.support.set(Support::Registered);

    if registration.waiting().is_some() && had_controller {
        status.update.set(Update::Waiting);
    }
    if let Some(installing) = registration.installing() {
        watch(installing, &container, status);
    }
    let on_update_found = {
        let registration = registration.clone();
        let container = container.clone();
        Closure::<dyn Fn()>::new(move || {
            if let Some(installing) = registration.installing() {
                watch(installing, &container, status);
            }
        })
    };
    registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
    on_update_found.forget();

    LAST_CHECK_MS.set(js_sys::Date::now());
    let on_visible = Closure::<dyn Fn()>::new(check_for_update);
    let _ = document()
        .add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
    on_visible.forget();

    REGISTRATION.with(|slot| *slot.borrow_mut() = Some(registration));
}

/// Follows an installing worker: once installed while another worker controls the page, it is
/// an update waiting for the customer. (Installed with no controller: the first install.)
fn watch(worker: ServiceWorker, container: &ServiceWorkerContainer, status: ServiceWorkerStatus) {
    let container = container.clone();
    let this = worker.clone();
    let on_state = Closure::<dyn Fn()>::new(move || {
        if this.state() == ServiceWorkerState::Installed && container.controller().is_some() {
            status.update.set(Update::Waiting);
        }
    });
    worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
    on_state.forget();
}

fn check_for_update() {
    if document().visibility_state() != web_sys::VisibilityState::Visible {
        return;
    }
    let now = js_sys::Date::now();
    if now - LAST_CHECK_MS.get() < UPDATE_CHECK_EVERY_MS {
        return;
    }
    LAST_CHECK_MS.set(now);
    REGISTRATION.with(|slot| {
        if let Some(registration) = slot.borrow().as_ref() {
            // A failed check (offline) just means no update this time.
            if let Ok(promise) = registration.update() {
                leptos::task::spawn_local(async move {
                    let _ = JsFuture::from(promise).await;
                });
            }
        }
    });
}

/// The customer's tap on "Update": the waiting worker takes over, then the page reloads into the
/// new version (on `controllerchange`). With nothing waiting (another tab already activated it),
/// a reload is all that is left to do.
pub fn apply_update() {
    RELOAD_ON_CHANGE.set(true);
    let waiting = REGISTRATION.with(|slot| slot.borrow().as_ref().and_then(|r| r.waiting()));
    match waiting {
        Some(worker) => {
            let message = Object::new();
            let _ = Reflect::set(&message, &"type".into(), &"SKIP_WAITING".into());
            if worker.post_message(&message).is_err() {
                let _ = window().location().reload();
            }
        }
        None => {
            let _ = window().location().reload();
        }
    }
}
