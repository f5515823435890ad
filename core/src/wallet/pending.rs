//! The pending overlay: what the customer asked for that the issuer has not answered yet, read
//! from the membership's outbox. The screen shows the issuer's snapshot plus this ("exchanging",
//! "waiting to sync"); it disappears when the answer is stored, so there is nothing to roll back.

use crate::loyalty::{RewardCost, RewardData};
use crate::mutation::{Intent, IntentError};
use crate::sync::profile_update;
use serde_json::Value;

/// One queued mutation as the overlay needs it: its name and arguments.
#[derive(Clone, Copy, Debug)]
pub struct QueuedAction<'a> {
    pub name: &'a str,
    pub args: &'a Value,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PendingOverlay {
    /// Rewards asked for, in the order they were queued (one id per exchange: two exchanges of
    /// the same reward are listed twice).
    pub exchanges: Vec<String>,
    /// The display name of the last queued `profile.update`, the one the issuer will end with
    /// (`None` when its arguments do not parse: the wallet never queues such a name).
    pub display_name: Option<String>,
    /// Survey invitations answered and not yet confirmed: the wallet says "will be sent".
    pub answered_surveys: Vec<String>,
    /// Tickets played and not yet confirmed: revealed, the prize still to come.
    pub played_tickets: Vec<String>,
    /// Messages read here that the issuer has not marked read yet.
    pub read_messages: Vec<String>,
    /// A `draw.rotate_seed` waits: the seed will be revealed once the issuer has it.
    pub rotating_seed: bool,
    /// How many actions wait to be sent.
    pub waiting: usize,
}

impl PendingOverlay {
    /// The overlay of a membership's outbox, in `seq` order. Arguments that do not parse (a
    /// mutation an older or newer wallet queued) add nothing but still count as waiting.
    pub fn from_queue<'a>(queue: impl IntoIterator<Item = QueuedAction<'a>>) -> Self {
        let mut overlay = Self::default();
        for action in queue {
            overlay.waiting += 1;
            match Intent::parse(action.name, action.args) {
                Ok(Intent::ExchangeReward { reward_id }) => overlay.exchanges.push(reward_id),
                Ok(Intent::UpdateProfile { display_name }) => {
                    overlay.display_name = Some(display_name)
                }
                Err(IntentError::InvalidArguments {
                    name: profile_update::NAME,
                }) => overlay.display_name = None,
                Ok(Intent::AnswerSurvey { invitation_id, .. }) => {
                    overlay.answered_surveys.push(invitation_id)
                }
                Ok(Intent::PlayTicket { ticket_id }) => overlay.played_tickets.push(ticket_id),
                Ok(Intent::RotateSeed) => overlay.rotating_seed = true,
                Ok(Intent::ReadMessage { message_id }) => overlay.read_messages.push(message_id),
                Ok(Intent::SetBirthday { .. })
                | Ok(Intent::SetClientSeed { .. })
                // A leaving card is marked on its stored membership (it is shown nowhere).
                | Ok(Intent::LeaveMembership)
                // What a claim gives is only known when the issuer answers.
                | Ok(Intent::RedeemClaim { .. })
                | Err(_) => {}
            }
        }
        overlay
    }

    pub fn is_exchanging(&self, reward_id: &str) -> bool {
        self.exchanges.iter().any(|id| id == reward_id)
    }

    /// The points the pending exchanges will spend (for "exchanging −300 pts"), counting only
    /// rewards of the catalogue the wallet still has.
    pub fn points_spent(&self, rewards: &[(String, RewardData)]) -> i64 {
        self.exchanges
            .iter()
            .filter_map(|id| rewards.iter().find(|(rid, _)| rid == id))
            .map(|(_, reward)| match reward.cost {
                RewardCost::Points { points } => points,
                _ => 0,
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wallet::fixtures::{card_reward, points_reward};
    use serde_json::json;

    fn overlay(queue: &[(&str, Value)]) -> PendingOverlay {
        PendingOverlay::from_queue(queue.iter().map(|(name, args)| QueuedAction { name, args }))
    }

    #[test]
    fn an_empty_outbox_overlays_nothing() {
        assert_eq!(overlay(&[]), PendingOverlay::default());
    }

    #[test]
    fn queued_exchanges_are_pending_and_spend_their_points() {
        let rewards = vec![
            ("latte".to_owned(), points_reward(300)),
            ("cake".to_owned(), points_reward(120)),
            ("free-drink".to_owned(), card_reward("cafe-card")),
        ];
        let pending = overlay(&[
            ("reward.exchange", json!({"reward_id": "latte"})),
            ("reward.exchange", json!({"reward_id": "latte"})),
            ("reward.exchange", json!({"reward_id": "free-drink"})),
            ("reward.exchange", json!({"reward_id": "withdrawn"})),
        ]);
        assert!(pending.is_exchanging("latte"));
        assert!(pending.is_exchanging("free-drink"));
        assert!(!pending.is_exchanging("cake"));
        assert_eq!(
            pending.points_spent(&rewards),
            600,
            "two lattes; a card reward spends no points, a reward no longer offered counts nothing"
        );
        assert_eq!(pending.waiting, 4);
    }

    #[test]
    fn the_last_queued_name_is_the_one_shown() {
        let pending = overlay(&[
            ("profile.update", json!({"display_name": "阿明"})),
            ("profile.update", json!({"display_name": "Alex"})),
        ]);
        assert_eq!(pending.display_name.as_deref(), Some("Alex"));
        assert_eq!(pending.waiting, 2);
    }

    #[test]
    fn unreadable_arguments_add_nothing_but_still_wait() {
        let pending = overlay(&[
            ("reward.exchange", json!({"reward": "latte"})),
            ("profile.update", json!({"display_name": ""})),
            ("survey.answer", json!({})),
        ]);
        assert!(pending.exchanges.is_empty());
        assert_eq!(pending.display_name, None);
        assert_eq!(pending.waiting, 3);
    }

    #[test]
    fn a_played_ticket_and_a_rotation_wait_for_the_issuer() {
        let pending = overlay(&[
            ("ticket.play", json!({"ticket_id": "t1"})),
            ("draw.rotate_seed", json!({})),
        ]);
        assert_eq!(pending.played_tickets, ["t1"]);
        assert!(pending.rotating_seed);
        assert!(!overlay(&[("ticket.play", json!({"ticket_id": "t2"}))]).rotating_seed);
    }

    #[test]
    fn queued_reads_wait_for_the_issuer() {
        let pending = overlay(&[
            ("message.read", json!({"message_id": "msg-1"})),
            ("message.read", json!({"message_id": ""})),
            ("membership.leave", json!({})),
        ]);
        assert_eq!(pending.read_messages, ["msg-1"], "an empty id is no read");
        assert_eq!(pending.waiting, 3);
    }
}
