//! Why the shop refused an action the customer queued (a rejection is final): what it was and the
//! reason, in the customer's language, kept until they dismiss it. Codes the protocol defines get
//! our own words; the issuer's free text is shown only for a code we do not know.

use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::storage::records::RejectedRecord;
use crate::storage::sync_store;
use crate::sync::SyncEngine;
use leptos::prelude::*;
use wallet_core::loyalty::{profile_set_birthday, reward_exchange, RewardData};
use wallet_core::sync::{error_code, profile_update, EntityKind};
use wallet_core::LocalizedText;

/// What was refused.
#[derive(Clone, Debug, PartialEq)]
enum Subject {
    /// An exchange, with the reward's title when the wallet still has it.
    Exchange(Option<LocalizedText>),
    Profile,
    Birthday,
    Other,
}

/// Why, as far as the wallet understands the code.
#[derive(Clone, Debug, PartialEq)]
enum Reason {
    InsufficientPoints,
    OutOfStock,
    RewardUnknown,
    CardNotComplete,
    BirthdayAlreadySet,
    UnknownMutation,
    InvalidArguments,
    /// A code this wallet does not know: the issuer's own words.
    Issuer(String),
}

impl Reason {
    fn of(record: &RejectedRecord) -> Self {
        use reward_exchange::rejection;
        match record.code.as_str() {
            rejection::INSUFFICIENT_POINTS => Self::InsufficientPoints,
            rejection::OUT_OF_STOCK => Self::OutOfStock,
            rejection::REWARD_UNKNOWN => Self::RewardUnknown,
            rejection::CARD_NOT_COMPLETE => Self::CardNotComplete,
            profile_set_birthday::BIRTHDAY_ALREADY_SET => Self::BirthdayAlreadySet,
            error_code::UNKNOWN_MUTATION => Self::UnknownMutation,
            error_code::INVALID_ARGUMENTS => Self::InvalidArguments,
            _ => Self::Issuer(record.message.clone()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Refusal {
    subject: Subject,
    reason: Reason,
}

async fn load(membership_id: String) -> Vec<Refusal> {
    let records = sync_store::rejected_of(&membership_id)
        .await
        .unwrap_or_default();
    if records.is_empty() {
        return Vec::new();
    }
    let rewards = sync_store::entities_of_kinds(&membership_id, &[EntityKind::Reward])
        .await
        .unwrap_or_default();
    let reward_title = |id: &str| {
        let record = rewards.iter().find(|r| r.id == id)?;
        let reward: RewardData = serde_json::from_value(record.data.clone()?).ok()?;
        reward.validate().then_some(reward.title)
    };
    records
        .iter()
        .map(|record| Refusal {
            subject: match record.name.as_str() {
                reward_exchange::NAME => Subject::Exchange(
                    reward_exchange::reward_id(&record.args).and_then(reward_title),
                ),
                profile_update::NAME => Subject::Profile,
                profile_set_birthday::NAME => Subject::Birthday,
                _ => Subject::Other,
            },
            reason: Reason::of(record),
        })
        .collect()
}

#[component]
pub fn RejectedNotice(membership_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let engine = expect_context::<SyncEngine>();
    let refusals = {
        let membership_id = membership_id.clone();
        LocalResource::new(move || {
            engine.revision.track();
            load(membership_id.clone())
        })
    };
    let dismiss = move |_| {
        let membership_id = membership_id.clone();
        leptos::task::spawn_local(async move {
            let _ = sync_store::dismiss_rejected(&membership_id).await;
            engine.revision.update(|r| *r += 1);
        });
    };
    let chinese = move || is_chinese(i18n.get_locale());
    let subject_text = move |subject: &Subject| -> Option<String> {
        Some(match subject {
            Subject::Exchange(Some(title)) => {
                let reward = title.get(chinese()).to_owned();
                t_string!(i18n, rejected_exchange, reward).to_string()
            }
            Subject::Exchange(None) => t_string!(i18n, reward_exchange).to_owned(),
            Subject::Profile => t_string!(i18n, rejected_profile).to_owned(),
            Subject::Birthday => t_string!(i18n, rejected_birthday).to_owned(),
            Subject::Other => return None,
        })
    };
    let reason_text = move |reason: &Reason| -> String {
        match reason {
            Reason::InsufficientPoints => t_string!(i18n, reject_insufficient_points).to_owned(),
            Reason::OutOfStock => t_string!(i18n, reject_out_of_stock).to_owned(),
            Reason::RewardUnknown => t_string!(i18n, reject_reward_unknown).to_owned(),
            Reason::CardNotComplete => t_string!(i18n, reject_card_not_complete).to_owned(),
            Reason::BirthdayAlreadySet => t_string!(i18n, reject_birthday_already_set).to_owned(),
            Reason::UnknownMutation => t_string!(i18n, reject_unknown_mutation).to_owned(),
            Reason::InvalidArguments => t_string!(i18n, reject_invalid_arguments).to_owned(),
            Reason::Issuer(message) => {
                let reason = message.clone();
                t_string!(i18n, reject_other, reason).to_string()
            }
        }
    };
    let current = move || refusals.get().unwrap_or_default();

    view! {
        <Show when=move || !current().is_empty()>
            <div class="notice error" role="alert" data-testid="rejected">
                <strong>{t!(i18n, rejected_title)}</strong>
                <ul>
                    {move || {
                        current()
                            .iter()
                            .map(|refusal| {
                                let subject = subject_text(&refusal.subject);
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
            </div>
        </Show>
    }
}
