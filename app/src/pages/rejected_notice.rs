//! Why the shop refused an action the customer queued (a rejection is final): what it was and the
//! reason, in the customer's language, kept until they dismiss it. Codes the protocol defines get
//! our own words; the issuer's free text is shown only for a code we do not know.

use super::storage_words::{logged, not_saved, NotRead};
use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::storage::{sync_store, StorageError};
use crate::sync::SyncEngine;
use leptos::prelude::*;
use wallet_core::loyalty::RewardData;
use wallet_core::sync::EntityKind;
use wallet_core::wallet::{RefusalReason, RefusedAction};
use wallet_core::LocalizedText;

/// A refusal as the notice shows it: what (with the reward's title when the wallet still has it)
/// and why (classified by `wallet_core::wallet`).
#[derive(Clone, Debug, PartialEq)]
struct Refusal {
    action: RefusedAction,
    reward_title: Option<LocalizedText>,
    reason: RefusalReason,
}

async fn load(membership_id: String) -> Result<Vec<Refusal>, StorageError> {
    let records = sync_store::rejected_of(&membership_id).await?;
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let rewards = sync_store::entities_of_kinds(&membership_id, &[EntityKind::Reward]).await?;
    let reward_title = |id: &str| {
        let record = rewards.iter().find(|r| r.id == id)?;
        let reward: RewardData = serde_json::from_value(record.data.clone()?).ok()?;
        reward.validate().then_some(reward.title)
    };
    Ok(records
        .iter()
        .map(|record| {
            let action = RefusedAction::of(&record.name, &record.args);
            let reward_title = match &action {
                RefusedAction::Exchange {
                    reward_id: Some(id),
                } => reward_title(id),
                _ => None,
            };
            Refusal {
                action,
                reward_title,
                reason: RefusalReason::of(&record.code, &record.message),
            }
        })
        .collect())
}

#[component]
pub fn RejectedNotice(membership_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let engine = expect_context::<SyncEngine>();
    let refusals = {
        let membership_id = membership_id.clone();
        LocalResource::new(move || {
            engine.revision.track();
            let id = membership_id.clone();
            async move { load(id).await.map_err(logged).ok() }
        })
    };
    // Why dismissing did not stick (the notice stays).
    let not_dismissed = RwSignal::new(None::<&'static str>);
    let dismiss = move |_| {
        let membership_id = membership_id.clone();
        leptos::task::spawn_local(async move {
            let dismissed = sync_store::dismiss_rejected(&membership_id).await;
            not_dismissed.try_set(dismissed.err().map(|e| not_saved(i18n, logged(e))));
            engine.revision.update(|r| *r += 1);
        });
    };
    let chinese = move || is_chinese(i18n.get_locale());
    let subject_text = move |refusal: &Refusal| -> Option<String> {
        Some(match (&refusal.action, &refusal.reward_title) {
            (RefusedAction::Exchange { .. }, Some(title)) => {
                let reward = title.get(chinese()).to_owned();
                t_string!(i18n, rejected_exchange, reward).to_string()
            }
            (RefusedAction::Exchange { .. }, None) => t_string!(i18n, reward_exchange).to_owned(),
            (RefusedAction::Profile, _) => t_string!(i18n, rejected_profile).to_owned(),
            (RefusedAction::Birthday, _) => t_string!(i18n, rejected_birthday).to_owned(),
            (RefusedAction::SurveyAnswer, _) => t_string!(i18n, rejected_survey).to_owned(),
            (RefusedAction::TicketPlay, _) => t_string!(i18n, rejected_ticket).to_owned(),
            (RefusedAction::Claim, _) => t_string!(i18n, rejected_claim).to_owned(),
            (RefusedAction::Other, _) => return None,
        })
    };
    let reason_text = move |reason: &RefusalReason| -> String {
        match reason {
            RefusalReason::InsufficientPoints => {
                t_string!(i18n, reject_insufficient_points).to_owned()
            }
            RefusalReason::OutOfStock => t_string!(i18n, reject_out_of_stock).to_owned(),
            RefusalReason::RewardUnknown => t_string!(i18n, reject_reward_unknown).to_owned(),
            RefusalReason::CardNotComplete => t_string!(i18n, reject_card_not_complete).to_owned(),
            RefusalReason::BirthdayAlreadySet => {
                t_string!(i18n, reject_birthday_already_set).to_owned()
            }
            RefusalReason::SurveyClosed => t_string!(i18n, reject_survey_closed).to_owned(),
            RefusalReason::InvalidAnswers => t_string!(i18n, reject_invalid_answers).to_owned(),
            RefusalReason::TicketNotPlayable => {
                t_string!(i18n, reject_ticket_not_playable).to_owned()
            }
            RefusalReason::PlayLimit => t_string!(i18n, reject_play_limit).to_owned(),
            RefusalReason::ClaimUnknown => t_string!(i18n, reject_claim_unknown).to_owned(),
            RefusalReason::ClaimUsed => t_string!(i18n, reject_claim_used).to_owned(),
            RefusalReason::ClaimExpired => t_string!(i18n, reject_claim_expired).to_owned(),
            RefusalReason::ClaimLimit => t_string!(i18n, reject_claim_limit).to_owned(),
            RefusalReason::ClaimUnavailable => t_string!(i18n, reject_claim_unavailable).to_owned(),
            RefusalReason::UnknownMutation => t_string!(i18n, reject_unknown_mutation).to_owned(),
            RefusalReason::InvalidArguments => t_string!(i18n, reject_invalid_arguments).to_owned(),
            RefusalReason::Issuer(message) => {
                let reason = message.clone();
                t_string!(i18n, reject_other, reason).to_string()
            }
        }
    };
    // Outer None: not read yet; inner None: could not be read.
    let current = move || refusals.get().flatten().unwrap_or_default();
    let failed = move || matches!(refusals.get(), Some(None));

    view! {
        // The refusals could not be read: say so rather than nothing, the customer is waiting
        // for an answer about what they asked.
        {move || failed().then(|| view! { <NotRead /> })}
        <Show when=move || !current().is_empty()>
            <div class="notice error" role="alert" data-testid="rejected">
                <strong>{t!(i18n, rejected_title)}</strong>
                <ul>
                    {move || {
                        current()
                            .iter()
                            .map(|refusal| {
                                let subject = subject_text(refusal);
                                let reason = reason_text(&refusal.reason);
                                view! {
                                    <li data-testid="rejected-item">
                                        {subject.map(|s| view! { <span class="rejected-what">{s}</span> })}
                                        <span class="rejected-why">{reason}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
                <button class="button" type="button" on:click=dismiss.clone()>{t!(i18n, rejected_dismiss)}</button>
                {move || not_dismissed.get().map(|text| view! { <p data-testid="rejected-not-dismissed">{text}</p> })}
            </div>
        </Show>
    }
}
