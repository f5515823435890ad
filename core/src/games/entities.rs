//! `data` of the `draw_seed` and `ticket` entities.

use crate::fair_draw::{DrawnTicket, PrizeTable};
use crate::model::LocalizedText;
use serde::{Deserialize, Serialize};

/// One seed of the member's draws: its commitment from the start, the wallet's client seed once
/// set, and the seed itself once rotated away.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawSeedData {
    /// SHA-256 of the seed, lower-case hex (`fair_draw::commitment`).
    pub commitment: String,
    /// `null` until the wallet's `draw.set_client_seed` is applied: no ticket of the seed is drawn
    /// before.
    #[serde(default)]
    pub client_seed: Option<String>,
    /// The seed, 64 hex digits, once rotated away: then every ticket of it can be checked.
    #[serde(default)]
    pub revealed_seed: Option<String>,
    pub created_at: i64,
    #[serde(default)]
    pub revealed_at: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GameKind {
    Scratch,
    Wheel,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketState {
    /// Issued before the client seed was set: drawn once it is.
    Waiting,
    /// Drawn; the wallet may reveal it.
    Ready,
    /// `ticket.play` applied: the prize was given.
    Played,
}

/// How a slot of the prize table looks to the customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrizeDisplay {
    pub slot: String,
    pub label: LocalizedText,
    /// The slot's chance in parts per million (`PrizeTable::chance_ppm`), shown before playing.
    pub chance_ppm: u32,
}

/// `data` of a `ticket` entity: one play of a campaign's game.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketData {
    pub campaign_id: String,
    pub game: GameKind,
    pub title: LocalizedText,
    pub table: PrizeTable,
    /// One per slot, in the table's order.
    pub prizes: Vec<PrizeDisplay>,
    pub seed_id: String,
    /// `null` while waiting.
    #[serde(default)]
    pub nonce: Option<u64>,
    pub state: TicketState,
    /// The slot the draw landed on; `null` while waiting.
    #[serde(default)]
    pub drawn: Option<String>,
    /// What the ticket gives: `drawn`, or `no_win` when that prize had run out.
    #[serde(default)]
    pub awarded: Option<String>,
    pub issued_at: i64,
    #[serde(default)]
    pub played_at: Option<i64>,
}

impl TicketData {
    pub fn validate(&self) -> bool {
        let drawn_ok = match self.state {
            TicketState::Waiting => self.drawn.is_none() && self.awarded.is_none(),
            TicketState::Ready | TicketState::Played => {
                self.nonce.is_some_and(|n| n >= 1)
                    && self
                        .drawn
                        .as_deref()
                        .is_some_and(|d| self.table.index_of(d).is_some())
                    && self
                        .awarded
                        .as_deref()
                        .is_some_and(|a| Some(a) == self.drawn.as_deref() || a == self.table.no_win)
            }
        };
        self.table.validate().is_ok()
            && self.title.is_valid()
            && self.prizes.len() == self.table.slots.len()
            && self
                .prizes
                .iter()
                .zip(&self.table.slots)
                .all(|(p, s)| p.slot == s.id && p.label.is_valid())
            && drawn_ok
    }

    /// The awarded slot's label, once drawn.
    pub fn awarded_prize(&self) -> Option<&PrizeDisplay> {
        let awarded = self.awarded.as_deref()?;
        self.prizes.iter().find(|p| p.slot == awarded)
    }

    /// Whether the award is a prize (not "thanks for playing").
    pub fn is_win(&self) -> bool {
        self.awarded
            .as_deref()
            .is_some_and(|a| a != self.table.no_win)
    }

    /// The ticket as `fair_draw::verify_seed` checks it, once drawn.
    pub fn drawn_ticket(&self) -> Option<DrawnTicket> {
        Some(DrawnTicket {
            nonce: self.nonce?,
            table: self.table.clone(),
            drawn: self.drawn.clone()?,
            awarded: self.awarded.clone()?,
        })
    }
}
