//! The wallet as an installable, offline-first app: the service worker's status and update
//! banner, the install offer, the "Show my code" shortcut (`/m/last`), and asking the browser to
//! keep the wallet's data. The browser glue lives in `platform/`; this is what the app makes of it.

mod install_prompt;
pub mod last_card;

pub use install_prompt::InstallPrompt;

use crate::i18n::{t_string, use_i18n};
use crate::platform::install::{self, InstallOption};
use crate::platform::persistence;
use crate::platform::service_worker::{self, ServiceWorkerStatus, Update};
use crate::state::WalletState;
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use wallet_components::UpdateBanner;

/// Shared through context by `provide`.
#[derive(Clone, Copy)]
pub struct Pwa {
    pub worker: ServiceWorkerStatus,
    pub install: RwSignal<InstallOption>,
}

/// Resolves the "Show my code" shortcut, starts the optional parts (service worker registration
/// after load, install offers) and provides their state. Nothing here delays the first screen or
/// can stop the app starting. Call before the router exists.
pub fn provide() -> Pwa {
    last_card::resolve_shortcut();
    let worker = service_worker::start();
    let install = RwSignal::new(install::current_option());
    install::on_change(move || install.set(install::current_option()));
    let pwa = Pwa { worker, install };
    provide_context(pwa);
    pwa
}

/// What every route shares, mounted once inside the router: the update banner, remembering the
/// last card shown, and the one request for persistent storage.
#[component]
pub fn PwaChrome() -> impl IntoView {
    let i18n = use_i18n();
    let pwa = expect_context::<Pwa>();
    let location = use_location();

    Effect::new(move |_| {
        location.pathname.with(|path| {
            if let Some(id) = last_card::card_id_in(path) {
                last_card::remember(id);
            }
        });
    });
    ask_to_persist_after_first_membership();

    // The member code on screen is never covered or interrupted: on a card the banner waits until
    // the customer goes back to the wallet. It never acts by itself either.
    let on_card = move || location.pathname.with(|path| path.starts_with("/m/"));
    move || {
        (pwa.worker.update.get() != Update::None && !on_card()).then(|| {
            view! {
                <UpdateBanner
                    message=t_string!(i18n, update_available)
                    action=t_string!(i18n, update_action)
                    on_action=Callback::new(|()| service_worker::apply_update())
                />
            }
        })
    }
}

// By hand: leptos-use-storage 0.20 adds 5.7 KB brotli to the first screen.
const PERSIST_ASKED_KEY: &str = "mw.persist-asked";

/// Once the wallet holds something worth keeping, ask the browser not to evict it under storage
/// pressure. Asked once per device (Firefox shows the customer a question); the settings page
/// can ask again.
fn ask_to_persist_after_first_membership() {
    let state = expect_context::<WalletState>();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || state.memberships.with(Vec::is_empty) {
            return done.unwrap_or(false);
        }
        let storage = window().local_storage().ok().flatten();
        let asked = storage
            .as_ref()
            .and_then(|s| s.get_item(PERSIST_ASKED_KEY).ok().flatten())
            .is_some();
        if !asked {
            if let Some(storage) = storage {
                let _ = storage.set_item(PERSIST_ASKED_KEY, "1");
            }
            leptos::task::spawn_local(async {
                let _ = persistence::request_persist().await;
            });
        }
        true
    });
}

/// The settings link in the wallet's header.
#[component]
pub fn SettingsLink() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="icon-link" href="/settings" aria-label=move || t_string!(i18n, settings_title)>
            <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" fill="none"
                stroke="currentColor" stroke-width="2" stroke-linecap="round">
                <path d="M4 7h16M4 17h16" />
                <circle cx="9" cy="7" r="2.5" fill="#fff" />
                <circle cx="15" cy="17" r="2.5" fill="#fff" />
            </svg>
        </a>
    }
}
