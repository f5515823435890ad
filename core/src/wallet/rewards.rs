//! Whether a reward of the catalogue can be exchanged now, and if not, why: the wallet offers only
//! what the issuer would accept, counting what is already on its way.

use super::PendingOverlay;
use crate::loyalty::{RewardCost, RewardData, StampCardData};

/// What the catalogue shows beside a reward, first match wins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RewardAvailability {
    /// Asked for, waiting for the issuer's answer.
    Exchanging,
    OutOfStock,
    /// Not enough points (after what pending exchanges spend), no completed card of its program,
    /// or a cost this wallet does not know.
    NotAffordable,
    Available,
}

impl RewardAvailability {
    /// `points` is the balance the issuer sent; `cards` the membership's stamp cards.
    pub fn of(
        reward_id: &str,
        reward: &RewardData,
        points: i64,
        cards: &[StampCardData],
        pending: &PendingOverlay,
        rewards: &[(String, RewardData)],
    ) -> Self {
        if pending.is_exchanging(reward_id) {
            Self::Exchanging
        } else if !reward.in_stock {
            Self::OutOfStock
        } else if !is_affordable(&reward.cost, points - pending.points_spent(rewards), cards) {
            Self::NotAffordable
        } else {
            Self::Available
        }
    }
}

/// Whether `spendable` points or a completed card among `cards` pay for `cost`.
pub fn is_affordable(cost: &RewardCost, spendable: i64, cards: &[StampCardData]) -> bool {
    match cost {
        RewardCost::Points { points } => spendable >= *points,
        RewardCost::StampCard { program_id } => cards
            .iter()
            .any(|card| &card.program_id == program_id && card.is_exchangeable()),
        RewardCost::Unknown => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loyalty::StampCardState;
    use crate::wallet::fixtures::{card, card_reward, points_reward};
    use crate::wallet::QueuedAction;
    use serde_json::json;

    fn catalogue() -> Vec<(String, RewardData)> {
        vec![
            ("latte".to_owned(), points_reward(300)),
            ("cake".to_owned(), points_reward(200)),
            ("free-drink".to_owned(), card_reward("cafe-card")),
        ]
    }

    fn availability(
        id: &str,
        points: i64,
        cards: &[StampCardData],
        pending: &PendingOverlay,
    ) -> RewardAvailability {
        let rewards = catalogue();
        let reward = &rewards.iter().find(|(rid, _)| rid == id).unwrap().1;
        RewardAvailability::of(id, reward, points, cards, pending, &rewards)
    }

    #[test]
    fn points_pay_for_a_reward_up_to_the_balance() {
        let none = PendingOverlay::default();
        assert_eq!(
            availability("latte", 300, &[], &none),
            RewardAvailability::Available
        );
        assert_eq!(
            availability("latte", 299, &[], &none),
            RewardAvailability::NotAffordable
        );
    }

    #[test]
    fn a_pending_exchange_spends_its_points_before_the_next_one() {
        let args = json!({"reward_id": "latte"});
        let pending = PendingOverlay::from_queue([QueuedAction {
            name: "reward.exchange",
            args: &args,
        }]);
        assert_eq!(
            availability("latte", 400, &[], &pending),
            RewardAvailability::Exchanging
        );
        assert_eq!(
            availability("cake", 400, &[], &pending),
            RewardAvailability::NotAffordable,
            "400 - 300 on its way leaves 100"
        );
        assert_eq!(
            availability("cake", 500, &[], &pending),
            RewardAvailability::Available
        );
    }

    #[test]
    fn a_card_reward_needs_a_completed_card_of_its_program() {
        let none = PendingOverlay::default();
        let mut full = card("cafe-card", 10, 10);
        full.state = StampCardState::Completed;
        let mut other = full.clone();
        other.program_id = "tea-card".into();
        assert_eq!(
            availability("free-drink", 0, &[full.clone()], &none),
            RewardAvailability::Available
        );
        assert_eq!(
            availability("free-drink", 0, &[other], &none),
            RewardAvailability::NotAffordable
        );
        let mut rewarded = full;
        rewarded.state = StampCardState::Rewarded;
        assert_eq!(
            availability("free-drink", 0, &[rewarded], &none),
            RewardAvailability::NotAffordable,
            "a card already exchanged pays for nothing"
        );
        assert_eq!(
            availability("free-drink", 0, &[card("cafe-card", 9, 10)], &none),
            RewardAvailability::NotAffordable
        );
    }

    #[test]
    fn out_of_stock_and_unknown_costs_are_not_offered() {
        let none = PendingOverlay::default();
        let mut rewards = catalogue();
        rewards[0].1.in_stock = false;
        let sold_out = RewardAvailability::of("latte", &rewards[0].1, 10_000, &[], &none, &rewards);
        assert_eq!(sold_out, RewardAvailability::OutOfStock);
        assert!(!is_affordable(&RewardCost::Unknown, i64::MAX, &[]));
    }
}
