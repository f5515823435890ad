//! The member's name at this shop: shown from what the issuer sent, overlaid with a pending change
//! from the outbox until the issuer confirms it. Editing queues a `profile.update`. Also where the
//! card says it no longer updates: signed out by the shop, or over a storage cap
//! (`wallet_core::wallet::StoredUsage`); one read of the sync state serves all three.

use super::storage_words::{logged, not_saved, NotRead};
use crate::i18n::{t, t_string, use_i18n};
use crate::storage::records::OutboxRecord;
use crate::storage::{outbox, sync_store, StorageError};
use crate::sync::SyncEngine;
use leptos::prelude::*;
use wallet_core::sync::{profile_update, EntityKind};
use wallet_core::wallet::PendingOverlay;
use wallet_core::Intent;

#[derive(Clone, Debug, Default, PartialEq)]
struct Profile {
    confirmed_name: Option<String>,
    pending_name: Option<String>,
    signed_out: bool,
    /// The issuer sent more than the wallet keeps for one card: newer updates are not saved.
    over_cap: bool,
    /// IndexedDB could not be read: the section says so instead of "not set".
    unreadable: bool,
}

async fn load(membership_id: String) -> Result<Profile, StorageError> {
    // The membership entity only, not every entity (10,000 ledger entries, say).
    let entities = sync_store::entities_of_kinds(&membership_id, &[EntityKind::Membership]).await?;
    let confirmed_name = entities
        .iter()
        .find(|e| e.kind == EntityKind::Membership && e.id == membership_id)
        .and_then(|e| {
            e.data
                .as_ref()?
                .get("display_name")?
                .as_str()
                .map(str::to_owned)
        });
    let queued = outbox::pending(&membership_id).await?;
    let pending = PendingOverlay::from_queue(queued.iter().map(OutboxRecord::action));
    let sync_state = sync_store::sync_state(&membership_id).await?;
    Ok(Profile {
        confirmed_name,
        pending_name: pending.display_name,
        signed_out: sync_state.signed_out,
        over_cap: sync_state.over_cap.is_some(),
        unreadable: false,
    })
}

#[component]
pub fn MemberProfile(membership_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let engine = expect_context::<SyncEngine>();
    let profile = {
        let membership_id = membership_id.clone();
        LocalResource::new(move || {
            engine.revision.track();
            let id = membership_id.clone();
            async move {
                load(id).await.unwrap_or_else(|error| {
                    logged(error);
                    Profile {
                        unreadable: true,
                        ..Profile::default()
                    }
                })
            }
        })
    };
    let draft = RwSignal::new(String::new());
    // Why the name was not saved: not a name, or the phone did not store it.
    let problem = RwSignal::new(None::<&'static str>);

    let save = {
        let membership_id = membership_id.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let args = serde_json::json!({ "display_name": draft.get_untracked() });
            // Checked by the rule the issuer applies: a name it would refuse is never queued.
            let Ok(intent) = Intent::parse(profile_update::NAME, &args) else {
                problem.set(Some(t_string!(i18n, profile_invalid)));
                return;
            };
            problem.set(None);
            let membership_id = membership_id.clone();
            leptos::task::spawn_local(async move {
                match engine.queue(&membership_id, intent).await {
                    Ok(_) => draft.set(String::new()),
                    Err(error) => problem.set(Some(not_saved(i18n, logged(error)))),
                }
            });
        }
    };
    let current = move || profile.get().unwrap_or_default();
    view! {
        <section class="profile" data-testid="member-profile">
            <Show when=move || current().signed_out>
                <p class="notice error" role="alert" data-testid="signed-out">{t!(i18n, signed_out)}</p>
            </Show>
            <Show when=move || current().over_cap>
                <p class="notice error" role="status" data-testid="storage-cap">{t!(i18n, storage_cap_reached)}</p>
            </Show>
            <h2>{t!(i18n, profile_title)}</h2>
            <super::join::LineIdentity />
            {move || current().unreadable.then(|| view! { <NotRead /> })}
            <p class="profile-name" data-testid="display-name">
                {move || {
                    let p = current();
                    match (p.pending_name, p.confirmed_name) {
                        (Some(pending), _) => view! {
                            <span>{pending}</span>
                            <span class="pending-badge" data-testid="pending">{t!(i18n, profile_pending)}</span>
                        }.into_any(),
                        (None, Some(name)) => view! { <span>{name}</span> }.into_any(),
                        (None, None) => view! { <span class="muted">{t!(i18n, profile_unset)}</span> }.into_any(),
                    }
                }}
            </p>
            <form class="profile-form" on:submit=save>
                <input
                    type="text"
                    name="display_name"
                    maxlength="40"
                    autocomplete="nickname"
                    aria-label=move || t_string!(i18n, profile_title)
                    placeholder=move || t_string!(i18n, profile_placeholder)
                    bind:value=draft
                    prop:disabled=move || current().signed_out
                />
                <button class="button primary" type="submit" disabled=move || current().signed_out>
                    {t!(i18n, profile_save)}
                </button>
            </form>
            {move || problem.get().map(|text| view! { <p class="notice error" role="alert">{text}</p> })}
        </section>
    }
}
