//! One line that tells the customer where syncing stands: up to date, offline, or failing (and
//! how many of their actions wait to be sent).

use crate::i18n::{t_string, use_i18n};
use crate::platform::clock;
use crate::sync::{SyncEngine, SyncStatus};
use leptos::prelude::*;
use std::time::Duration;

#[component]
pub fn SyncLine() -> impl IntoView {
    let i18n = use_i18n();
    let engine = expect_context::<SyncEngine>();
    // "3 min ago" and "retrying in 20 s" age: re-render every few seconds.
    let now = RwSignal::new(clock::now_millis());
    // By hand: leptos-use-interval-fn 0.20 adds 2.0 KB brotli to the first screen.
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(clock::now_millis()), Duration::from_secs(5))
    {
        on_cleanup(move || handle.clear());
    }

    let status_text = move || -> Option<String> {
        let now = now.get();
        match engine.status.get() {
            SyncStatus::Idle => None,
            SyncStatus::Syncing => Some(t_string!(i18n, sync_syncing).to_owned()),
            SyncStatus::Synced { at_millis } => {
                let minutes = ((now - at_millis) / 60_000.0).floor().max(0.0) as u64;
                Some(if minutes == 0 {
                    t_string!(i18n, sync_just_now).to_owned()
                } else {
                    t_string!(i18n, sync_minutes_ago, minutes).to_string()
                })
            }
            SyncStatus::Offline => Some(t_string!(i18n, sync_offline).to_owned()),
            SyncStatus::Failing { retry_at_millis } => {
                let seconds = ((retry_at_millis - now) / 1000.0).ceil().max(1.0) as u64;
                Some(t_string!(i18n, sync_failing, seconds).to_string())
            }
        }
    };
    let waiting_text = move || {
        let count = engine.waiting.get();
        (count > 0).then(|| t_string!(i18n, sync_waiting, count).to_string())
    };
    let class = move || match engine.status.get() {
        SyncStatus::Failing { .. } => "sync-line failing",
        SyncStatus::Offline => "sync-line offline",
        _ => "sync-line",
    };

    view! {
        <div class="sync-row">
            <p class=class role="status" data-testid="sync-status">
                <span>{status_text}</span>
                {move || waiting_text().map(|text| view! { <span class="sync-waiting" data-testid="sync-waiting">{text}</span> })}
            </p>
            <button class="sync-now" type="button" on:click=move |_| engine.request()>
                {move || t_string!(i18n, sync_now)}
            </button>
        </div>
    }
}
