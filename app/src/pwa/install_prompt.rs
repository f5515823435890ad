//! The install offer on the wallet home: a button where the browser offers installing (Chrome),
//! a short guide on iOS Safari (Share -> Add to Home Screen), nothing when the wallet already runs
//! installed, in an in-app browser, or after the customer said "Not now". Shown once the wallet
//! holds a card: that is when opening it in one tap, offline, is worth something.

use super::Pwa;
use crate::i18n::{t_string, use_i18n};
use crate::platform::install::{self, InstallOption};
use crate::state::WalletState;
use leptos::prelude::*;

const DISMISSED_KEY: &str = "mw.install-dismissed";

#[component]
pub fn InstallPrompt() -> impl IntoView {
    let i18n = use_i18n();
    let pwa = expect_context::<Pwa>();
    let state = expect_context::<WalletState>();
    let dismissed = RwSignal::new(storage_flag());

    let dismiss = move |_| {
        dismissed.set(true);
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(DISMISSED_KEY, "1");
        }
    };
    let install = move |_| {
        leptos::task::spawn_local(async move {
            let _ = install::prompt().await;
            // Accepted or not, the offer is used up; `appinstalled` follows an acceptance.
            pwa.install.set(install::current_option());
        });
    };

    // One closure with plain text inside: see pages/settings.rs for why.
    move || {
        let option = pwa.install.get();
        let shown = matches!(option, InstallOption::Prompt | InstallOption::IosGuide)
            && !dismissed.get()
            && !state.memberships.with(Vec::is_empty);
        shown.then(|| {
            let ios = option == InstallOption::IosGuide;
            view! {
                <section
                    class="install-card"
                    data-testid=if ios { "install-guide" } else { "install-prompt" }
                >
                    <h2>{t_string!(i18n, install_title)}</h2>
                    <p>{t_string!(i18n, install_body)}</p>
                    {ios.then(|| view! { <p class="install-steps">{t_string!(i18n, install_ios_steps)}</p> })}
                    <div class="install-actions">
                        {(!ios).then(|| view! {
                            <button class="button primary" type="button" on:click=install>
                                {t_string!(i18n, install_action)}
                            </button>
                        })}
                        <button class="button quiet" type="button" on:click=dismiss>
                            {t_string!(i18n, install_dismiss)}
                        </button>
                    </div>
                </section>
            }
        })
    }
}

// By hand: leptos-use-storage 0.20 adds 5.7 KB brotli to the first screen.
fn storage_flag() -> bool {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(DISMISSED_KEY).ok().flatten())
        .is_some()
}
