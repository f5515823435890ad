//! What the shop has for the member, at the top of the card's loyalty sections: an open survey
//! invitation (with its reward and a link to the survey), the games to play (a link to the games
//! page) and the latest messages (a welcome, the thanks for a survey, a service-recovery apology)
//! with a link to the card's inbox (`pages/inbox.rs`) that counts the unread ones. From the
//! card's one read (`LoyaltyView`).

use crate::i18n::{is_chinese, t, t_string, use_i18n};
use crate::platform::clock;
use leptos::prelude::*;
use wallet_core::message::MessageData;
use wallet_core::survey::SurveyInvitationSummary;

/// Messages shown on the card, newest first.
const SHOWN_MESSAGES: usize = 3;

#[component]
pub fn CardNews(
    membership_id: String,
    invitations: Vec<(String, SurveyInvitationSummary)>,
    messages: Vec<MessageData>,
    /// How many messages are unread: the link to the card's inbox says so.
    unread: usize,
    /// Invitations answered here and not confirmed yet: no longer offered.
    answered: Vec<String>,
    /// Tickets ready to play, when the member has any game at all.
    games: Option<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chinese = is_chinese(i18n.get_locale_untracked());
    let now = clock::now_unix_secs() as i64;
    let invitations = invitations
        .into_iter()
        .filter(|(id, invitation)| invitation.can_answer(now) && !answered.contains(id))
        .map(|(id, invitation)| {
            let reward = match (&invitation.reward.coupon_title, invitation.reward.points) {
                (Some(coupon), _) => {
                    let coupon = coupon.get(chinese).to_owned();
                    t_string!(i18n, survey_reward_coupon, coupon).to_string()
                }
                (None, points) if points > 0 => {
                    t_string!(i18n, survey_reward_points, points).to_string()
                }
                _ => String::new(),
            };
            view! {
                <section class="survey-invite" data-testid="survey-invite">
                    <h2>{t!(i18n, survey_invite_title)}</h2>
                    <p>{invitation.title.get(chinese).to_owned()}</p>
                    <p class="muted">{reward}</p>
                    <a class="button primary wide" href=format!("/m/{membership_id}/survey/{id}")>
                        {t!(i18n, survey_invite_open)}
                    </a>
                </section>
            }
        })
        .collect_view();
    let messages = (!messages.is_empty()).then({
        let membership_id = membership_id.clone();
        move || {
            let items = messages
                .into_iter()
                .take(SHOWN_MESSAGES)
                .map(|m| {
                    view! {
                        <li>
                            <strong>{m.title.get(chinese).to_owned()}</strong>
                            <p>{m.body.get(chinese).to_owned()}</p>
                        </li>
                    }
                })
                .collect_view();
            let all = match unread {
                0 => t_string!(i18n, messages_all).to_owned(),
                n => t_string!(i18n, messages_all_unread, n).to_string(),
            };
            view! {
                <section class="card-messages" data-testid="card-messages">
                    <h2>{t!(i18n, messages_title)}</h2>
                    <ul>{items}</ul>
                    <a class="button secondary wide" href=format!("/m/{membership_id}/inbox")
                        data-testid="card-inbox">{all}</a>
                </section>
            }
        }
    });
    let games = games.map(|ready| {
        let (line, action) = if ready > 0 {
            (
                t_string!(i18n, games_card_ready, n = ready).to_string(),
                t_string!(i18n, games_card_open),
            )
        } else {
            (
                t_string!(i18n, games_card_none).to_owned(),
                t_string!(i18n, games_card_view),
            )
        };
        view! {
            <section class="survey-invite" data-testid="games-invite">
                <h2>{t!(i18n, games_card_title)}</h2>
                <p class="muted">{line}</p>
                <a class="button primary wide" href=format!("/m/{membership_id}/games")>{action}</a>
            </section>
        }
    });
    view! { {invitations} {games} {messages} }
}
