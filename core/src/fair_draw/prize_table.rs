//! A campaign's prize table: the slots a draw can land on, each with an integer weight, one of
//! them the "thanks for playing" slot that always exists. The odds the customer is shown are the
//! weights over their total; the table's hash goes into every draw, so an outcome is bound to the
//! odds that were published for it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Slots a table may have (a wheel of more is unreadable on a phone).
pub const MAX_SLOTS: usize = 24;
/// The weights' total: at most 2^32, so rejection sampling from 64-bit values almost never
/// rejects (less than 1 in 2^32).
pub const MAX_TOTAL_WEIGHT: u64 = 1 << 32;
const MAX_ID_LEN: usize = 32;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrizeSlot {
    /// 1 to 32 of `a-z 0-9 _ -`: it is written into the table's hash.
    pub id: String,
    /// At least 1: a slot that cannot be drawn has no place on the wheel.
    pub weight: u32,
}

/// A valid table (see `PrizeTable::new`); deserialised tables must pass `validate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrizeTable {
    pub slots: Vec<PrizeSlot>,
    /// The id of the "thanks for playing" slot, one of `slots`: what an outcome falls back to
    /// when the drawn prize is out of stock.
    pub no_win: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrizeTableError {
    /// None, or more than `MAX_SLOTS`.
    SlotCount,
    BadId(String),
    DuplicateId(String),
    ZeroWeight(String),
    /// The weights add up to more than `MAX_TOTAL_WEIGHT`.
    TotalTooLarge,
    /// `no_win` names no slot of the table.
    NoWinMissing,
}

impl std::fmt::Display for PrizeTableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SlotCount => write!(f, "a prize table has 1 to {MAX_SLOTS} slots"),
            Self::BadId(id) => write!(f, "slot id {id:?} is not 1 to 32 of a-z 0-9 _ -"),
            Self::DuplicateId(id) => write!(f, "slot id {id:?} appears twice"),
            Self::ZeroWeight(id) => write!(f, "slot {id:?} has weight 0"),
            Self::TotalTooLarge => write!(f, "the weights add up to more than 2^32"),
            Self::NoWinMissing => write!(f, "the \"thanks for playing\" slot is not in the table"),
        }
    }
}

impl std::error::Error for PrizeTableError {}

impl PrizeTable {
    pub fn new(slots: Vec<PrizeSlot>, no_win: &str) -> Result<Self, PrizeTableError> {
        let table = Self {
            slots,
            no_win: no_win.to_owned(),
        };
        table.validate()?;
        Ok(table)
    }

    pub fn validate(&self) -> Result<(), PrizeTableError> {
        if self.slots.is_empty() || self.slots.len() > MAX_SLOTS {
            return Err(PrizeTableError::SlotCount);
        }
        for (i, slot) in self.slots.iter().enumerate() {
            let id_ok = (1..=MAX_ID_LEN).contains(&slot.id.len())
                && slot
                    .id
                    .bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'));
            if !id_ok {
                return Err(PrizeTableError::BadId(slot.id.clone()));
            }
            if self.slots[..i].iter().any(|s| s.id == slot.id) {
                return Err(PrizeTableError::DuplicateId(slot.id.clone()));
            }
            if slot.weight == 0 {
                return Err(PrizeTableError::ZeroWeight(slot.id.clone()));
            }
        }
        if self.total_weight() > MAX_TOTAL_WEIGHT {
            return Err(PrizeTableError::TotalTooLarge);
        }
        if self.index_of(&self.no_win).is_none() {
            return Err(PrizeTableError::NoWinMissing);
        }
        Ok(())
    }

    pub fn total_weight(&self) -> u64 {
        self.slots.iter().map(|s| u64::from(s.weight)).sum()
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.slots.iter().position(|s| s.id == id)
    }

    /// A slot's chance in parts per million, rounded to nearest: what the customer is shown.
    pub fn chance_ppm(&self, index: usize) -> u32 {
        let total = self.total_weight();
        let weight = u64::from(self.slots[index].weight);
        ((weight * 1_000_000 + total / 2) / total) as u32
    }

    /// SHA-256, in lower-case hex, of the table's canonical text: one line `{id}:{weight}` per
    /// slot in order, then `no_win:{id}`, each line ending in `\n` (protocol.md §12.2).
    pub fn hash(&self) -> String {
        let mut hasher = Sha256::new();
        for slot in &self.slots {
            hasher.update(format!("{}:{}\n", slot.id, slot.weight));
        }
        hasher.update(format!("no_win:{}\n", self.no_win));
        super::hex::encode(&hasher.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn slot(id: &str, weight: u32) -> PrizeSlot {
        PrizeSlot {
            id: id.into(),
            weight,
        }
    }

    #[test]
    fn a_table_is_refused_for_what_would_make_its_odds_unclear() {
        let ok = |slots: Vec<PrizeSlot>, no_win: &str| PrizeTable::new(slots, no_win);
        assert!(ok(vec![slot("thanks", 9), slot("latte", 1)], "thanks").is_ok());
        assert_eq!(ok(vec![], "thanks"), Err(PrizeTableError::SlotCount));
        assert_eq!(
            ok(vec![slot("thanks", 1), slot("Latte", 1)], "thanks"),
            Err(PrizeTableError::BadId("Latte".into()))
        );
        assert_eq!(
            ok(vec![slot("thanks", 1), slot("a:b", 1)], "thanks"),
            Err(PrizeTableError::BadId("a:b".into())),
            "a colon would make the canonical text ambiguous"
        );
        assert_eq!(
            ok(vec![slot("thanks", 1), slot("thanks", 2)], "thanks"),
            Err(PrizeTableError::DuplicateId("thanks".into()))
        );
        assert_eq!(
            ok(vec![slot("thanks", 1), slot("latte", 0)], "thanks"),
            Err(PrizeTableError::ZeroWeight("latte".into()))
        );
        assert_eq!(
            ok(vec![slot("thanks", u32::MAX), slot("latte", 2)], "thanks"),
            Err(PrizeTableError::TotalTooLarge)
        );
        assert_eq!(
            ok(vec![slot("latte", 1)], "thanks"),
            Err(PrizeTableError::NoWinMissing)
        );
    }

    #[test]
    fn the_hash_changes_with_every_part_of_the_table() {
        let base = PrizeTable::new(vec![slot("thanks", 9), slot("latte", 1)], "thanks").unwrap();
        let others = [
            PrizeTable::new(vec![slot("thanks", 8), slot("latte", 1)], "thanks").unwrap(),
            PrizeTable::new(vec![slot("latte", 1), slot("thanks", 9)], "thanks").unwrap(),
            PrizeTable::new(vec![slot("thanks", 9), slot("latte", 1)], "latte").unwrap(),
            PrizeTable::new(vec![slot("thanks", 9), slot("mocha", 1)], "thanks").unwrap(),
        ];
        for other in &others {
            assert_ne!(base.hash(), other.hash(), "{other:?}");
        }
        assert_eq!(base.hash().len(), 64);
    }

    #[test]
    fn chances_are_the_weights_over_their_total() {
        let table = PrizeTable::new(
            vec![slot("thanks", 2), slot("a", 1), slot("b", 1)],
            "thanks",
        )
        .unwrap();
        assert_eq!(
            (0..3).map(|i| table.chance_ppm(i)).collect::<Vec<_>>(),
            vec![500_000, 250_000, 250_000]
        );
    }
}
