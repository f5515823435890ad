//! `/settings`: language, the e-invoice carrier (carrier_setting.rs), moving to a new phone
//! (transfer_setting.rs), what the wallet stores on this phone and whether the browser keeps it,
//! whether it opens offline, and the version.
//!
//! The page is one reactive closure with plain text inside (re-drawn whole when the language or
//! a reading changes) rather than a closure per string: it is rarely open, and every reactive
//! node costs bytes in the one wasm download every customer waits for.

use crate::app::LanguageToggle;
use crate::i18n::{t_string, use_i18n};
use crate::platform::persistence::{self, Estimate};
use crate::platform::service_worker::{self, Support, Update};
use crate::pwa::Pwa;
use leptos::prelude::*;
use wallet_components::PageHeader;

const VERSION: &str = env!("CARGO_PKG_VERSION");

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let pwa = expect_context::<Pwa>();
    // Bumped by an import, which may bring a carrier.
    let imported = RwSignal::new(0_u32);
    // Outer None: not read yet; inner None: this browser cannot tell.
    let estimate = RwSignal::new(None::<Option<Estimate>>);
    let persisted = RwSignal::new(None::<Option<bool>>);
    let read = move || {
        leptos::task::spawn_local(async move {
            // try_set: the customer may have left the page meanwhile.
            let _ = estimate.try_set(Some(persistence::estimate().await));
            let _ = persisted.try_set(Some(persistence::persisted().await));
        });
    };
    read();
    let keep = move |_| {
        leptos::task::spawn_local(async move {
            let _ = persistence::request_persist().await;
            read();
        });
    };

    let storage = move || {
        let used = match estimate.get() {
            None => t_string!(i18n, loading).to_owned(),
            Some(None) => t_string!(i18n, storage_unknown).to_owned(),
            Some(Some(Estimate {
                usage,
                quota: Some(quota),
            })) => t_string!(
                i18n,
                storage_used_of,
                used = format_bytes(usage),
                quota = format_bytes(quota)
            )
            .to_string(),
            Some(Some(Estimate { usage, quota: None })) => {
                t_string!(i18n, storage_used, used = format_bytes(usage)).to_string()
            }
        };
        let persisted = persisted.get().flatten();
        let persistence = match persisted {
            Some(true) => t_string!(i18n, storage_persistent),
            Some(false) => t_string!(i18n, storage_not_persistent),
            None => t_string!(i18n, storage_persistence_unknown),
        };
        view! {
            <h2>{t_string!(i18n, settings_storage)}</h2>
            <p data-testid="storage-used">{used}</p>
            <p class="muted" data-testid="storage-persistent">{persistence}</p>
            {(persisted == Some(false)).then(|| view! {
                <button class="button secondary" type="button" on:click=keep>
                    {t_string!(i18n, storage_persist_action)}
                </button>
            })}
        }
    };
    let offline = move || {
        let status = match (pwa.worker.support.get(), pwa.worker.offline_ready.get()) {
            (_, true) => t_string!(i18n, offline_ready),
            (Support::Unavailable, false) => t_string!(i18n, offline_unavailable),
            _ => t_string!(i18n, offline_preparing),
        };
        view! {
            <h2>{t_string!(i18n, settings_offline)}</h2>
            <p data-testid="offline-status">{status}</p>
            {(pwa.worker.update.get() != Update::None).then(|| view! {
                <button class="button secondary" type="button" on:click=|_| service_worker::apply_update()>
                    {t_string!(i18n, update_action)}
                </button>
            })}
        }
    };
    view! {
        <PageHeader
            title=Signal::derive(move || t_string!(i18n, settings_title).to_owned())
            back_href="/"
            back_label=Signal::derive(move || t_string!(i18n, back).to_owned())
        />
        <main class="page settings">
            <section class="settings-group">
                <h2>{move || t_string!(i18n, settings_language)}</h2>
                <LanguageToggle />
            </section>
            <super::carrier_setting::CarrierSetting refreshed=imported.read_only() />
            <super::transfer_setting::TransferSetting imported />
            <section class="settings-group" data-testid="settings-storage">{storage}</section>
            <section class="settings-group">{offline}</section>
            {crate::platform::liff::in_line().then(|| view! {
                // Inside LINE: its browser keeps a wallet of its own (no service worker, no
                // install), so the customer learns where their other cards are and how to move.
                <section class="settings-group" data-testid="settings-line">
                    <h2>{move || t_string!(i18n, settings_line)}</h2>
                    <p>{move || t_string!(i18n, settings_line_separate)}</p>
                    <p>{move || t_string!(i18n, settings_line_offline)}</p>
                    <p class="muted">{move || t_string!(i18n, settings_line_move)}</p>
                </section>
            })}
            <section class="settings-group">
                <h2>{move || t_string!(i18n, settings_version)}</h2>
                <p class="mono" data-testid="app-version">{VERSION}</p>
            </section>
        </main>
    }
}

/// Bytes as a person reads them on a phone (decimal units, like the phone's own storage screen).
fn format_bytes(bytes: f64) -> String {
    const KB: f64 = 1_000.0;
    const MB: f64 = 1_000_000.0;
    const GB: f64 = 1_000_000_000.0;
    if bytes < MB {
        let kb = (bytes / KB).round();
        // Something stored is never shown as nothing.
        format!("{} KB", if bytes > 0.0 { kb.max(1.0) } else { 0.0 })
    } else if bytes < GB {
        format!("{:.1} MB", bytes / MB)
    } else {
        format!("{:.1} GB", bytes / GB)
    }
}

// wallet-app builds for wasm32 only (see scripts/test.sh), so its unit tests run in the browser
// suite, with the wasm-bindgen test runner.
#[cfg(test)]
mod tests {
    use super::format_bytes;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn formats_bytes_like_a_phone() {
        assert_eq!(format_bytes(0.0), "0 KB");
        assert_eq!(format_bytes(12.0), "1 KB");
        assert_eq!(format_bytes(640_400.0), "640 KB");
        assert_eq!(format_bytes(1_234_567.0), "1.2 MB");
        assert_eq!(format_bytes(5_368_709_120.0), "5.4 GB");
    }
}
