//! The engine: when to sync. Each issuer has a lane of its own (its schedule, its backoff, its
//! lock), so an issuer that is down or never answers only delays its own memberships, even for an
//! action queued while it hangs.

use super::pass::{sync_issuer, IssuerPass};
use super::status::SyncStatus;
use super::{broadcast, client_seed, lock};
use crate::platform::clock;
use crate::state::{LoadStatus, WalletState};
use crate::storage::records::OutboxRecord;
use crate::storage::{outbox, sync_store, StorageError};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use wallet_core::retry::{backoff_secs, HEALTHY_INTERVAL_SECS};
use wallet_core::{Intent, IssuerUrl};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

#[derive(Clone, Copy)]
pub struct SyncEngine {
    /// Where syncing stands, over every issuer (see `SyncStatus::combine`).
    pub status: RwSignal<SyncStatus>,
    /// Actions queued in every outbox, waiting for an issuer.
    pub waiting: RwSignal<u32>,
    /// Bumped whenever stored sync data changed (here or in another tab): views re-read.
    pub revision: RwSignal<u64>,
    state: WalletState,
}

/// One issuer's schedule.
struct Lane {
    running: bool,
    /// Asked again while running: one more pass right after this one.
    again: bool,
    failures: u32,
    timer: Option<i32>,
    status: SyncStatus,
}

impl Default for Lane {
    fn default() -> Self {
        Self {
            running: false,
            again: false,
            failures: 0,
            timer: None,
            status: SyncStatus::Idle,
        }
    }
}

thread_local! {
    static LANES: RefCell<BTreeMap<IssuerUrl, Lane>> = RefCell::default();
}

fn with_lane<T>(issuer: &IssuerUrl, f: impl FnOnce(&mut Lane) -> T) -> T {
    LANES.with(|lanes| f(lanes.borrow_mut().entry(issuer.clone()).or_default()))
}

impl SyncEngine {
    /// Creates the engine, provides it as context and wires its triggers.
    pub fn start(state: WalletState) -> Self {
        let engine = Self {
            status: RwSignal::new(SyncStatus::Idle),
            waiting: RwSignal::new(0),
            revision: RwSignal::new(0),
            state,
        };
        provide_context(engine);

        // First sync once the wallet is read from IndexedDB.
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            let ready = state.status.get() == LoadStatus::Ready;
            if ready {
                engine.request();
            }
            ready
        });
        // By hand: leptos-use 0.20 has no online-state function of its own, and
        // leptos-use-document-visibility adds 1.9 KB brotli to the first screen.
        on_window_event("online", move || engine.request());
        on_document_event("visibilitychange", move || {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                engine.request();
            }
        });
        broadcast::listen(move || engine.refresh_from_storage());
        engine
    }

    /// Queues a customer's intent (one strict IndexedDB transaction), then tries to send it: only
    /// its own issuer is asked, so an issuer that is failing elsewhere keeps its backoff.
    pub async fn queue(
        &self,
        membership_id: &str,
        intent: Intent,
    ) -> Result<OutboxRecord, StorageError> {
        let now = clock::now_millis() as i64;
        let record = outbox::append(membership_id, intent.name(), intent.args(), now).await?;
        self.revision.update(|r| *r += 1);
        self.count_waiting().await;
        broadcast::announce_change();
        match self.state.issuer_of(membership_id) {
            Some(issuer) => self.request_issuer(issuer),
            None => self.request(),
        }
        Ok(record)
    }

    /// Asks every issuer for a sync now; each is coalesced with one already running.
    pub fn request(&self) {
        let mut issuers: Vec<IssuerUrl> =
            self.state.synced().into_iter().map(|m| m.issuer).collect();
        issuers.sort();
        issuers.dedup();
        for issuer in issuers {
            self.request_issuer(issuer);
        }
    }

    /// Asks one issuer for a sync now (coalesced with one already running).
    pub fn request_issuer(&self, issuer: IssuerUrl) {
        let start = with_lane(&issuer, |lane| {
            if lane.running {
                lane.again = true;
                false
            } else {
                lane.running = true;
                true
            }
        });
        if start {
            let engine = *self;
            leptos::task::spawn_local(async move { engine.run_lane(issuer).await });
        }
    }

    async fn run_lane(self, issuer: IssuerUrl) {
        loop {
            let status = lock::exclusively(&issuer, self.sync_lane(issuer.clone())).await;
            self.count_waiting().await;
            let failed = matches!(status, SyncStatus::Failing { .. });
            let again = with_lane(&issuer, |lane| {
                lane.failures = if failed { lane.failures + 1 } else { 0 };
                std::mem::take(&mut lane.again)
            });
            // A failing issuer waits for its backoff even when asked again meanwhile.
            if !again || failed {
                self.schedule_next(&issuer, status);
                break;
            }
        }
        with_lane(&issuer, |lane| lane.running = false);
    }

    /// Sets the lane's status and its timer for the next attempt.
    fn schedule_next(&self, issuer: &IssuerUrl, status: SyncStatus) {
        let failures = with_lane(issuer, |lane| lane.failures);
        let delay_secs = if failures > 0 {
            backoff_secs(failures, js_sys::Math::random())
        } else {
            HEALTHY_INTERVAL_SECS
        };
        let status = match status {
            SyncStatus::Failing { .. } => SyncStatus::Failing {
                retry_at_millis: clock::now_millis() + delay_secs * 1000.0,
            },
            other => other,
        };
        self.set_lane_status(issuer, status);
        let engine = *self;
        let fire_for = issuer.clone();
        let fire = Closure::once_into_js(move || engine.request_issuer(fire_for));
        let timer = window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                fire.unchecked_ref(),
                (delay_secs * 1000.0) as i32,
            )
            .ok();
        let old = with_lane(issuer, |lane| std::mem::replace(&mut lane.timer, timer));
        if let Some(old) = old {
            window().clear_timeout_with_handle(old);
        }
    }

    fn set_lane_status(&self, issuer: &IssuerUrl, status: SyncStatus) {
        with_lane(issuer, |lane| lane.status = status);
        let combined =
            LANES.with(|lanes| SyncStatus::combine(lanes.borrow().values().map(|l| &l.status)));
        self.status.set(combined);
    }

    /// One sync of the issuer's memberships that are not signed out.
    async fn sync_lane(self, issuer: IssuerUrl) -> SyncStatus {
        if !window().navigator().on_line() {
            return SyncStatus::Offline;
        }
        self.set_lane_status(&issuer, SyncStatus::Syncing);
        let Ok(client_id) = sync_store::client_id().await else {
            return SyncStatus::Failing {
                retry_at_millis: 0.0,
            };
        };
        let memberships: Vec<_> = self
            .state
            .synced()
            .into_iter()
            .filter(|m| m.issuer == issuer)
            .collect();
        let IssuerPass {
            changed,
            failed,
            offline,
        } = sync_issuer(&memberships, &client_id).await;
        if changed {
            self.refresh_from_storage();
            broadcast::announce_change();
        }
        for membership in &memberships {
            if let Err(error) = client_seed::queue_if_needed(&self, membership.id.as_str()).await {
                web_sys::console::warn_1(&format!("client seed: {error}").into());
            }
        }
        if failed {
            SyncStatus::Failing {
                retry_at_millis: 0.0,
            }
        } else if offline {
            SyncStatus::Offline
        } else {
            SyncStatus::Synced {
                at_millis: clock::now_millis(),
            }
        }
    }

    /// Re-reads what views show from IndexedDB (after a sync here or in another tab).
    fn refresh_from_storage(&self) {
        let engine = *self;
        leptos::task::spawn_local(async move {
            let _ = engine.state.reload().await;
            engine.revision.update(|r| *r += 1);
            engine.count_waiting().await;
        });
    }

    async fn count_waiting(&self) {
        if let Ok(count) = outbox::count_all().await {
            self.waiting.set(count);
        }
    }
}

fn on_window_event(name: &str, handler: impl Fn() + 'static) {
    let listener = Closure::<dyn Fn()>::new(handler);
    let _ = window().add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
    // The engine lives as long as the page.
    listener.forget();
}

fn on_document_event(name: &str, handler: impl Fn() + 'static) {
    let listener = Closure::<dyn Fn()>::new(handler);
    let _ = document().add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
    listener.forget();
}
