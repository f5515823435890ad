//! What the shop has for the member, on the card: an open survey invitation (with its reward and
//! a link to the survey) and the latest messages (the thanks for a survey, a service-recovery
//! apology). One read for both; the full inbox is a page of its own later.

use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::platform::clock;
use crate::storage::{outbox, sync_store, StorageError};
use crate::sync::SyncEngine;
use leptos::prelude::*;
use wallet_core::message::MessageData;
use wallet_core::survey::{survey_answer, SurveyInvitationSummary};
use wallet_core::sync::EntityKind;
use wallet_core::LocalizedText;

/// Messages shown on the card, newest first.
const SHOWN_MESSAGES: usize = 3;

#[derive(Clone, Debug, Default, PartialEq)]
struct News {
    /// (invitation id, title, what answering gives)
    invitations: Vec<(String, LocalizedText, Reward)>,
    messages: Vec<MessageData>,
}

#[derive(Clone, Debug, PartialEq)]
enum Reward {
    Coupon(LocalizedText),
    Points(i64),
    Nothing,
}

async fn load(membership_id: String) -> Result<News, StorageError> {
    let kinds = [EntityKind::Survey, EntityKind::Message];
    let records = sync_store::entities_of_kinds(&membership_id, &kinds).await?;
    let queued = outbox::pending(&membership_id).await?;
    let answered_here = |id: &str| {
        queued.iter().any(|m| {
            m.name == survey_answer::NAME
                && m.args.get("invitation_id").and_then(|v| v.as_str()) == Some(id)
        })
    };
    let now = clock::now_unix_secs() as i64;
    let mut news = News::default();
    for record in records {
        let Some(data) = record.data else { continue };
        match record.kind {
            EntityKind::Survey => {
                let Ok(invitation) = serde_json::from_value::<SurveyInvitationSummary>(data) else {
                    continue;
                };
                if invitation.validate() && invitation.can_answer(now) && !answered_here(&record.id)
                {
                    let reward = match (invitation.reward.coupon_title, invitation.reward.points) {
                        (Some(title), _) => Reward::Coupon(title),
                        (None, points) if points > 0 => Reward::Points(points),
                        _ => Reward::Nothing,
                    };
                    news.invitations.push((record.id, invitation.title, reward));
                }
            }
            _ => {
                if let Some(message) = serde_json::from_value::<MessageData>(data)
                    .ok()
                    .filter(MessageData::validate)
                {
                    news.messages.push(message);
                }
            }
        }
    }
    news.messages.sort_by_key(|m| std::cmp::Reverse(m.sent_at));
    news.messages.truncate(SHOWN_MESSAGES);
    Ok(news)
}

#[component]
pub fn CardNews(membership_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let engine = expect_context::<SyncEngine>();
    let news = {
        let membership_id = membership_id.clone();
        LocalResource::new(move || {
            engine.revision.track();
            let id = membership_id.clone();
            // Unreadable storage is told by the loyalty sections; this part stays away then.
            async move { load(id).await.unwrap_or_default() }
        })
    };
    let chinese = move || is_chinese(i18n.get_locale());
    move || {
        let news = news.get().unwrap_or_default();
        let invitations = news
            .invitations
            .into_iter()
            .map(|(id, title, reward)| {
                let reward = match reward {
                    Reward::Coupon(coupon) => {
                        let coupon = coupon.get(chinese()).to_owned();
                        t_string!(i18n, survey_reward_coupon, coupon).to_string()
                    }
                    Reward::Points(points) => t_string!(i18n, survey_reward_points, points).to_string(),
                    Reward::Nothing => String::new(),
                };
                view! {
                    <section class="panel survey-invite" data-testid="survey-invite">
                        <h2>{t!(i18n, survey_invite_title)}</h2>
                        <p>{title.get(chinese()).to_owned()}</p>
                        <p class="muted">{reward}</p>
                        <a class="button primary wide" href=format!("/m/{membership_id}/survey/{id}")>
                            {t!(i18n, survey_invite_open)}
                        </a>
                    </section>
                }
            })
            .collect_view();
        let messages = (!news.messages.is_empty()).then(|| {
            let items = news
                .messages
                .into_iter()
                .map(|m| {
                    view! {
                        <li>
                            <strong>{m.title.get(chinese()).to_owned()}</strong>
                            <p>{m.body.get(chinese()).to_owned()}</p>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="panel card-messages" data-testid="card-messages">
                    <h2>{t!(i18n, messages_title)}</h2>
                    <ul>{items}</ul>
                </section>
            }
        });
        view! { {invitations} {messages} }
    }
}
