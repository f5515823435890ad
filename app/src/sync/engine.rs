//! The engine: when to sync, and one sync of every membership.

use super::status::SyncStatus;
use super::{broadcast, lock};
use crate::issuer_client::{self, IssuerError};
use crate::membership::StoredMembership;
use crate::platform::clock;
use crate::state::{LoadStatus, WalletState};
use crate::storage::records::OutboxRecord;
use crate::storage::{outbox, sync_store, StorageError};
use leptos::prelude::*;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;
use wallet_core::retry::{backoff_secs, HEALTHY_INTERVAL_SECS};
use wallet_core::sync::{error_code as sync_code, SyncRequest, MAX_MUTATIONS_PER_REQUEST};
use wallet_core::IssuerUrl;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Most round trips one membership gets in one sync (pages of changes, batches of mutations).
const MAX_ROUNDS: usize = 50;

#[derive(Clone, Copy)]
pub struct SyncEngine {
    pub status: RwSignal<SyncStatus>,
    /// Actions queued in every outbox, waiting for an issuer.
    pub waiting: RwSignal<u32>,
    /// Bumped whenever stored sync data changed (here or in another tab): views re-read.
    pub revision: RwSignal<u64>,
    state: WalletState,
}

#[derive(Default)]
struct Schedule {
    running: bool,
    again: bool,
    failures: u32,
    timer: Option<i32>,
}

thread_local! {
    static SCHEDULE: RefCell<Schedule> = RefCell::default();
}

/// How one issuer's memberships synced in a pass.
#[derive(Default)]
struct IssuerPass {
    changed: bool,
    failed: bool,
    offline: bool,
}

/// How one membership's sync ended.
enum Outcome {
    Synced,
    Offline,
    Failed,
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
        on_window_event("online", move || engine.request());
        on_document_event("visibilitychange", move || {
            if document().visibility_state() == web_sys::VisibilityState::Visible {
                engine.request();
            }
        });
        broadcast::listen(move || engine.refresh_from_storage());
        engine
    }

    /// Queues a customer's intent (one strict IndexedDB transaction), then tries to send it.
    pub async fn queue(
        &self,
        membership_id: &str,
        name: &str,
        args: Value,
    ) -> Result<OutboxRecord, StorageError> {
        let record = outbox::append(membership_id, name, args, clock::now_millis() as i64).await?;
        self.revision.update(|r| *r += 1);
        self.count_waiting().await;
        broadcast::announce_change();
        self.request();
        Ok(record)
    }

    /// Asks for a sync now; coalesced with one already running.
    pub fn request(&self) {
        let start = SCHEDULE.with(|s| {
            let mut s = s.borrow_mut();
            if s.running {
                s.again = true;
                false
            } else {
                s.running = true;
                true
            }
        });
        if start {
            let engine = *self;
            leptos::task::spawn_local(async move { engine.run().await });
        }
    }

    async fn run(self) {
        loop {
            let status = lock::exclusively(self.sync_all()).await;
            self.count_waiting().await;
            let failed = matches!(status, SyncStatus::Failing { .. });
            let again = SCHEDULE.with(|s| {
                let mut s = s.borrow_mut();
                s.failures = if failed { s.failures + 1 } else { 0 };
                std::mem::take(&mut s.again)
            });
            if !again || failed {
                self.schedule_next(status);
                break;
            }
        }
        SCHEDULE.with(|s| s.borrow_mut().running = false);
    }

    /// Sets the status and the timer for the next attempt.
    fn schedule_next(&self, status: SyncStatus) {
        let failures = SCHEDULE.with(|s| s.borrow().failures);
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
        self.status.set(status);
        let engine = *self;
        let fire = Closure::once_into_js(move || engine.request());
        let timer = window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                fire.unchecked_ref(),
                (delay_secs * 1000.0) as i32,
            )
            .ok();
        SCHEDULE.with(|s| {
            let mut s = s.borrow_mut();
            if let Some(old) = s.timer.take() {
                window().clear_timeout_with_handle(old);
            }
            s.timer = timer;
        });
    }

    /// One sync of every membership that is not signed out. Each issuer is on its own: one that is
    /// down or answers garbage never keeps the others from syncing.
    async fn sync_all(self) -> SyncStatus {
        if !window().navigator().on_line() {
            return SyncStatus::Offline;
        }
        self.status.set(SyncStatus::Syncing);
        // One client id for the whole pass, read before the issuers run side by side.
        let Ok(client_id) = sync_store::client_id().await else {
            return SyncStatus::Failing {
                retry_at_millis: 0.0,
            };
        };
        // Issuers sync side by side, each one's memberships in turn: an issuer that is slow or
        // never answers (the 15 s timeout) holds up only its own memberships.
        let mut by_issuer: BTreeMap<IssuerUrl, Vec<StoredMembership>> = BTreeMap::new();
        for membership in self.state.memberships.get_untracked() {
            by_issuer
                .entry(membership.issuer.clone())
                .or_default()
                .push(membership);
        }
        let passes = by_issuer
            .into_values()
            .map(|memberships| self.sync_issuer(memberships, client_id.clone()));
        let results = futures::future::join_all(passes).await;
        let changed = results.iter().any(|r| r.changed);
        let failed = results.iter().any(|r| r.failed);
        let offline = results.iter().any(|r| r.offline);
        if changed {
            self.refresh_from_storage();
            broadcast::announce_change();
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

    async fn sync_issuer(
        &self,
        memberships: Vec<StoredMembership>,
        client_id: String,
    ) -> IssuerPass {
        let mut pass = IssuerPass::default();
        for membership in &memberships {
            match sync_store::sync_state(membership.id.as_str()).await {
                Ok(state) if state.signed_out => continue,
                Ok(_) => {}
                Err(_) => {
                    pass.failed = true;
                    continue;
                }
            }
            let (outcome, did_change) = self.sync_membership(membership, &client_id).await;
            pass.changed |= did_change;
            match outcome {
                Outcome::Synced => {}
                Outcome::Offline => pass.offline = true,
                Outcome::Failed => pass.failed = true,
            }
        }
        pass
    }

    /// Round trips for one membership until its outbox is empty and no page of changes is left.
    /// Returns how it ended and whether anything was written.
    async fn sync_membership(
        &self,
        membership: &StoredMembership,
        client_id: &str,
    ) -> (Outcome, bool) {
        let id = membership.id.as_str();
        let mut changed = false;
        let mut client_id = client_id.to_owned();
        let mut renumbered = false;
        for _ in 0..MAX_ROUNDS {
            let (Ok(pending), Ok(state)) =
                (outbox::pending(id).await, sync_store::sync_state(id).await)
            else {
                return (Outcome::Failed, changed);
            };
            let sent: Vec<OutboxRecord> = pending
                .iter()
                .take(MAX_MUTATIONS_PER_REQUEST)
                .cloned()
                .collect();
            let request = SyncRequest {
                client_id: client_id.clone(),
                cursor: state.cursor,
                mutations: sent.iter().map(OutboxRecord::to_mutation).collect(),
            };
            let response =
                match issuer_client::sync(&membership.issuer, &membership.token, &request).await {
                    Ok(response) => response,
                    Err(IssuerError::Unauthorized) => {
                        let marked = sync_store::mark_signed_out(id).await.is_ok();
                        return (Outcome::Synced, changed || marked);
                    }
                    Err(IssuerError::Offline) => return (Outcome::Offline, changed),
                    Err(error)
                        if !renumbered
                            && (error.is_code(sync_code::SEQ_GAP)
                                || error.is_code(sync_code::SEQ_CONFLICT)) =>
                    {
                        // The issuer's record of our numbers and ours disagree: as the protocol
                        // says, take a new client id and renumber the queue, once per pass.
                        renumbered = true;
                        web_sys::console::warn_1(
                            &format!("sync {id}: {error}, renumbering").into(),
                        );
                        match sync_store::restart_numbering().await {
                            Ok(()) => match sync_store::client_id().await {
                                Ok(fresh) => client_id = fresh,
                                Err(_) => return (Outcome::Failed, changed),
                            },
                            Err(_) => return (Outcome::Failed, changed),
                        }
                        continue;
                    }
                    Err(error) => {
                        web_sys::console::warn_1(&format!("sync {id}: {error}").into());
                        return (Outcome::Failed, changed);
                    }
                };
            if let Err(error) =
                sync_store::apply_response(id, &sent, &response, clock::now_millis()).await
            {
                web_sys::console::error_1(&format!("sync {id}: {error}").into());
                return (Outcome::Failed, changed);
            }
            // Only what views show counts: an answer with nothing new moved the cursor alone, and
            // re-reading every view's data after it (every 15 s on the card) was a long task with
            // 10,000 ledger entries.
            changed |= response.reset
                || !response.changes.is_empty()
                || !response.results.is_empty()
                || !sent.is_empty();
            let all_sent_processed = sent
                .last()
                .is_none_or(|last| response.last_processed_seq >= last.seq);
            let more_to_send = pending.len() > sent.len() && all_sent_processed;
            if !response.more && !more_to_send {
                return (Outcome::Synced, changed);
            }
        }
        (Outcome::Synced, changed)
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
