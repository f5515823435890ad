//! How much of the phone's storage one membership's issuer may fill (protocol.md §9.12). An issuer
//! decides what it sends, a hostile or broken one without end (4 MB a page, 50 pages a sync, kinds
//! no wallet knows); the wallet keeps a tally per membership and takes no change that would pass a
//! cap. Over a cap it keeps what it has, stops taking more, and says so on that card alone: every
//! other card keeps syncing.

use crate::sync::{Change, EntityKind};
use serde::{Deserialize, Serialize};

/// Entities (tombstones included) one membership may hold: twice what the wallet is tested with
/// (10,000 ledger entries, e2e/tests/wallet-scale.spec.ts).
pub const MAX_ENTITIES: u32 = 20_000;
/// Bytes of the stored entities (ids, kinds and `data` as JSON) one membership may hold.
pub const MAX_BYTES: u64 = 8 * 1024 * 1024;
/// Entities of kinds this wallet does not know (a newer issuer's): kept, not shown, so a few
/// hundred are plenty and more would be storage nobody sees.
pub const MAX_UNKNOWN_KIND_ENTITIES: u32 = 500;

/// Which cap a membership reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapReached {
    Entities,
    Bytes,
    UnknownKinds,
}

/// What one membership's stored entities take.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredUsage {
    pub entities: u32,
    pub bytes: u64,
    pub unknown_kind_entities: u32,
}

impl StoredUsage {
    /// The usage of entities already stored (a wallet that kept no tally yet counts once).
    pub fn of<'a>(stored: impl IntoIterator<Item = &'a Change>) -> Self {
        let mut usage = Self::default();
        for change in stored {
            usage.entities += 1;
            usage.bytes += stored_bytes(change);
            usage.unknown_kind_entities += u32::from(is_unknown(&change.kind));
        }
        usage
    }

    /// Counts `change` in if it fits under every cap, replacing `held` (what the wallet holds
    /// under the same kind and id, if anything). A change that does not fit leaves the tally as
    /// it was and says which cap it would pass.
    pub fn admit(&mut self, held: Option<&Change>, change: &Change) -> Result<(), CapReached> {
        let mut next = *self;
        let bytes = stored_bytes(change);
        match held {
            Some(held) => next.bytes = next.bytes.saturating_sub(stored_bytes(held)) + bytes,
            None => {
                next.entities += 1;
                next.bytes += bytes;
                next.unknown_kind_entities += u32::from(is_unknown(&change.kind));
            }
        }
        if next.entities > MAX_ENTITIES {
            Err(CapReached::Entities)
        } else if next.unknown_kind_entities > MAX_UNKNOWN_KIND_ENTITIES {
            Err(CapReached::UnknownKinds)
        } else if next.bytes > MAX_BYTES && next.bytes > self.bytes {
            // Over the byte cap only a change that does not grow the total is taken (a
            // tombstone, a smaller new version), so an entity can still shrink or go.
            Err(CapReached::Bytes)
        } else {
            *self = next;
            Ok(())
        }
    }
}

fn is_unknown(kind: &EntityKind) -> bool {
    matches!(kind, EntityKind::Other(_))
}

/// The bytes a change takes in storage, near enough: its id and kind, and its `data` as JSON.
pub fn stored_bytes(change: &Change) -> u64 {
    // `to_vec`, not a counting writer: the wallet already has JSON written into a Vec (its sync
    // requests), and a serializer for a writer of our own was 3 KB more of the first screen.
    let data = change
        .data
        .as_ref()
        .and_then(|data| serde_json::to_vec(data).ok())
        .map_or(0, |json| json.len());
    (data + change.id.len() + change.kind.as_str().len()) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(kind: EntityKind, id: &str, data: serde_json::Value) -> Change {
        Change {
            kind,
            id: id.into(),
            version: 1,
            deleted: false,
            data: Some(data),
        }
    }

    fn ledger(id: usize) -> Change {
        change(
            EntityKind::LedgerEntry,
            &format!("L{id}"),
            json!({"delta": 1}),
        )
    }

    #[test]
    fn bytes_are_the_json_and_the_names() {
        let entry = change(EntityKind::Coupon, "C1", json!({"a": "bc"}));
        assert_eq!(stored_bytes(&entry), br#"{"a":"bc"}"#.len() as u64 + 2 + 6);
        let tombstone = Change {
            deleted: true,
            data: None,
            ..entry
        };
        assert_eq!(stored_bytes(&tombstone), 8);
    }

    #[test]
    fn new_entities_stop_at_the_count_cap_and_replacements_still_land() {
        let mut usage = StoredUsage::default();
        for id in 0..MAX_ENTITIES as usize {
            usage.admit(None, &ledger(id)).unwrap();
        }
        let full = usage;
        assert_eq!(
            usage.admit(None, &ledger(usize::MAX)),
            Err(CapReached::Entities)
        );
        assert_eq!(usage, full, "a refused change leaves the tally alone");
        // A new version of an entity already held takes no new place.
        let newer = Change {
            version: 2,
            ..ledger(7)
        };
        assert_eq!(usage.admit(Some(&ledger(7)), &newer), Ok(()));
        assert_eq!(usage.entities, MAX_ENTITIES);
    }

    #[test]
    fn unknown_kinds_have_a_smaller_cap_of_their_own() {
        let mut usage = StoredUsage::default();
        let hologram = |id: u32| {
            change(
                EntityKind::Other("hologram".into()),
                &id.to_string(),
                json!({}),
            )
        };
        for id in 0..MAX_UNKNOWN_KIND_ENTITIES {
            usage.admit(None, &hologram(id)).unwrap();
        }
        assert_eq!(
            usage.admit(None, &hologram(u32::MAX)),
            Err(CapReached::UnknownKinds)
        );
        // Kinds the wallet knows are still taken.
        assert_eq!(usage.admit(None, &ledger(1)), Ok(()));
    }

    #[test]
    fn over_the_byte_cap_only_what_does_not_grow_the_total_is_taken() {
        let big = |id: &str, len: usize| {
            change(EntityKind::Message, id, json!({"text": "x".repeat(len)}))
        };
        let mut usage = StoredUsage::default();
        let first = big("a", (MAX_BYTES as usize) - 100);
        usage.admit(None, &first).unwrap();
        assert_eq!(usage.admit(None, &big("b", 200)), Err(CapReached::Bytes));
        let grown = big("a", MAX_BYTES as usize);
        assert_eq!(usage.admit(Some(&first), &grown), Err(CapReached::Bytes));
        let shrunk = big("a", 10);
        assert_eq!(usage.admit(Some(&first), &shrunk), Ok(()));
        assert!(usage.bytes < 100);
        assert_eq!(usage.admit(None, &big("b", 200)), Ok(()));
    }

    #[test]
    fn the_tally_of_stored_entities_matches_admitting_them_one_by_one() {
        let stored = [
            ledger(1),
            change(EntityKind::Other("x".into()), "1", json!([1, 2])),
        ];
        let mut admitted = StoredUsage::default();
        for change in &stored {
            admitted.admit(None, change).unwrap();
        }
        assert_eq!(StoredUsage::of(&stored), admitted);
        assert_eq!(admitted.unknown_kind_entities, 1);
    }
}
