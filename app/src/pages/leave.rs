//! "Leave this shop", at the foot of the card: after the customer confirms, the card disappears
//! from the wallet at once and `membership.leave` is queued; the sync engine deletes every record
//! of the membership when the issuer has it (protocol.md §9.13), so leaving offline works too.

use super::storage_words::{logged, not_saved};
use crate::i18n::{is_chinese, t, use_i18n};
use crate::membership::StoredMembership;
use crate::state::WalletState;
use crate::storage::{leaving, StorageError};
use crate::sync::SyncEngine;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wallet_core::Intent;

#[component]
pub fn LeaveMembership(membership: StoredMembership) -> impl IntoView {
    let i18n = use_i18n();
    let state = expect_context::<WalletState>();
    let engine = expect_context::<SyncEngine>();
    let navigate = use_navigate();
    let asking = RwSignal::new(false);
    let problem = RwSignal::new(None::<&'static str>);
    let name = membership
        .merchant
        .name
        .get(is_chinese(i18n.get_locale_untracked()))
        .to_owned();

    let confirm = move |_| {
        let membership = membership.clone();
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match leave(state, engine, membership.id.as_str()).await {
                Ok(()) => navigate("/", Default::default()),
                Err(error) => problem.set(Some(not_saved(i18n, logged(error)))),
            }
        });
    };

    view! {
        <section class="leave" data-testid="leave">
            <Show
                when=move || asking.get()
                fallback=move || view! {
                    <button type="button" class="button secondary wide" data-testid="leave-open"
                        on:click=move |_| asking.set(true)>
                        {t!(i18n, leave_open)}
                    </button>
                }
            >
                <div class="leave-confirm" role="alertdialog" aria-labelledby="leave-title"
                    aria-describedby="leave-body">
                    <h2 id="leave-title">{t!(i18n, leave_title, name = name.clone())}</h2>
                    <p id="leave-body">{t!(i18n, leave_body)}</p>
                    <button type="button" class="button leave-now wide" data-testid="leave-confirm"
                        on:click=confirm.clone()>
                        {t!(i18n, leave_confirm)}
                    </button>
                    <button type="button" class="button secondary wide" on:click=move |_| asking.set(false)>
                        {t!(i18n, leave_cancel)}
                    </button>
                </div>
            </Show>
            {move || problem.get().map(|text| view! { <p class="notice error" role="alert">{text}</p> })}
        </section>
    }
}

/// Hides the card (marked `leaving`, so the sync engine still sends its leave), then queues the
/// leave. If the leave cannot be queued, the card comes back as it was.
async fn leave(state: WalletState, engine: SyncEngine, id: &str) -> Result<(), StorageError> {
    leaving::set_leaving(id, true).await?;
    state.reload().await?;
    if let Err(error) = engine.queue(id, Intent::LeaveMembership).await {
        leaving::set_leaving(id, false).await?;
        state.reload().await?;
        return Err(error);
    }
    Ok(())
}
