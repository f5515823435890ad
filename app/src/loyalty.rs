//! What a membership's loyalty looks like on screen: the issuer's entities from IndexedDB, parsed
//! and validated (anything that fails is left out, never shown half-broken), plus the pending
//! overlay computed from the outbox. Nothing here writes: the snapshot is only ever written from
//! issuer data.

use crate::storage::records::{EntityRecord, OutboxRecord};
use serde::de::DeserializeOwned;
use wallet_core::loyalty::{
    CouponData, CouponState, LedgerEntryData, PointsBalanceData, RewardData, StampCardData,
    StampCardState, TierData,
};
use wallet_core::message::MessageData;
use wallet_core::survey::SurveyInvitationSummary;
use wallet_core::sync::EntityKind;
use wallet_core::wallet::{inbox, PendingOverlay, RewardAvailability};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoyaltyView {
    /// Active cards first, then the rest, newest first.
    pub stamp_cards: Vec<StampCardData>,
    pub points: Option<(String, PointsBalanceData)>,
    /// Newest first.
    pub ledger: Vec<LedgerEntryData>,
    pub tier: Option<TierData>,
    pub coupons: Vec<CouponData>,
    pub rewards: Vec<(String, RewardData)>,
    /// Survey invitations (id, summary), valid ones; the card shows the open ones.
    pub invitations: Vec<(String, SurveyInvitationSummary)>,
    /// The shop's messages, valid ones, newest first.
    pub messages: Vec<MessageData>,
    /// How many of them are unread (counting the reads queued here).
    pub unread_messages: usize,
    /// Tickets drawn and not played (here or at the issuer): the card offers a game. Read from
    /// the raw `state` alone, so the first screen carries no ticket parser (the games page,
    /// loaded later, checks the rest).
    pub tickets_ready: usize,
    /// Any ticket or draw seed at all: the card links to the games page.
    pub has_games: bool,
    /// The shop runs a referral programme for this member: the card links to the invitation
    /// page. Read from the raw `active` alone, like the tickets (the page, loaded later, checks
    /// the rest).
    pub invites: bool,
    /// What the outbox holds that the issuer has not answered yet.
    pub pending: PendingOverlay,
    /// Per stamp card (same order), how many of its stamps are new to the customer: filled in
    /// by the member card's read only (see `pages::loyalty_sections`).
    pub new_stamps: Vec<u32>,
    /// IndexedDB could not be read: pages say so instead of showing this empty view. (A flag
    /// rather than a `Result` around the view: each reactive type is code of its own in the
    /// first screen's wasm, and this keeps the one the pages had.)
    pub unreadable: bool,
}

fn parse<T: DeserializeOwned>(record: &EntityRecord, valid: impl Fn(&T) -> bool) -> Option<T> {
    let data = record.data.clone()?;
    serde_json::from_value(data)
        .ok()
        .filter(|value| valid(value))
}

impl LoyaltyView {
    pub fn unreadable() -> Self {
        Self {
            unreadable: true,
            ..Self::default()
        }
    }

    pub fn build(entities: &[EntityRecord], outbox: &[OutboxRecord]) -> Self {
        let mut view = Self {
            pending: PendingOverlay::from_queue(outbox.iter().map(OutboxRecord::action)),
            ..Self::default()
        };
        let mut ready_tickets = Vec::new();
        for record in entities.iter().filter(|r| !r.deleted) {
            match record.kind {
                EntityKind::StampCard => view
                    .stamp_cards
                    .extend(parse(record, StampCardData::validate)),
                EntityKind::PointsBalance => {
                    if let Some(points) = parse(record, PointsBalanceData::validate) {
                        view.points = Some((record.id.clone(), points));
                    }
                }
                EntityKind::LedgerEntry => {
                    view.ledger.extend(parse(record, LedgerEntryData::validate))
                }
                EntityKind::Tier => view.tier = parse(record, TierData::validate),
                EntityKind::Coupon => view.coupons.extend(parse(record, CouponData::validate)),
                EntityKind::Reward => {
                    if let Some(reward) = parse(record, RewardData::validate) {
                        view.rewards.push((record.id.clone(), reward));
                    }
                }
                EntityKind::Survey => {
                    let data = record.data.as_ref();
                    if let Some(invitation) = data.and_then(SurveyInvitationSummary::from_data) {
                        view.invitations.push((record.id.clone(), invitation));
                    }
                }
                EntityKind::Message => {
                    if let Some(message) = parse(record, MessageData::validate) {
                        let read = &view.pending.read_messages;
                        view.unread_messages +=
                            usize::from(inbox::is_unread(&record.id, &message, read));
                        view.messages.push(message);
                    }
                }
                EntityKind::Ticket | EntityKind::DrawSeed => {
                    view.has_games = true;
                    let state = record.data.as_ref().and_then(|d| d.get("state"));
                    if record.kind == EntityKind::Ticket
                        && state.and_then(|s| s.as_str()) == Some("ready")
                    {
                        ready_tickets.push(&record.id);
                    }
                }
                EntityKind::Referral => {
                    view.invites = record.data.as_ref().and_then(|d| d.get("active"))
                        == Some(&serde_json::Value::Bool(true))
                }
                _ => {}
            }
        }
        // Active cards first, then newest first.
        sort_by_i64_key(&mut view.stamp_cards, |c| {
            (i64::from(c.state != StampCardState::Active) << 33) - i64::from(c.serial)
        });
        sort_by_i64_key(&mut view.ledger, |e| -e.seq);
        sort_by_i64_key(&mut view.coupons, |c| c.valid_until);
        sort_by_i64_key(&mut view.rewards, |(_, r)| r.sort);
        sort_by_i64_key(&mut view.messages, |m| -m.sent_at);
        view.tickets_ready = ready_tickets
            .into_iter()
            .filter(|id| !view.pending.played_tickets.contains(id))
            .count();
        view
    }

    /// Points the pending exchanges will spend, for the "exchanging −300" note.
    pub fn pending_points(&self) -> i64 {
        self.pending.points_spent(&self.rewards)
    }

    /// Whether the reward can be exchanged now, counting what pending exchanges spend.
    pub fn availability(&self, reward_id: &str, reward: &RewardData) -> RewardAvailability {
        RewardAvailability::of(
            reward_id,
            reward,
            self.balance(),
            &self.stamp_cards,
            &self.pending,
            &self.rewards,
        )
    }

    pub fn balance(&self) -> i64 {
        self.points.as_ref().map_or(0, |(_, p)| p.balance)
    }

    pub fn active_coupons(&self, now: i64) -> usize {
        self.coupons
            .iter()
            .filter(|c| c.state_at(now) == CouponState::Active)
            .count()
    }

    pub fn coupon(&self, code: &str) -> Option<&CouponData> {
        self.coupons.iter().find(|c| c.code.as_str() == code)
    }
}

/// Sorts by `key`, equal keys keeping their order (like `sort_by_key`), with one sort of
/// `(key, index)` pairs that every caller shares: a `sort_by_key` per element type is 2 to 3 KB of
/// the first screen's wasm each, and the wallet sorts five kinds of things.
pub fn sort_by_i64_key<T>(items: &mut Vec<T>, key: impl Fn(&T) -> i64) {
    let mut order: Vec<(i64, usize)> = items
        .iter()
        .enumerate()
        .map(|(index, item)| (key(item), index))
        .collect();
    order.sort_unstable();
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .into_iter()
            .filter_map(|(_, index)| slots[index].take()),
    );
}
