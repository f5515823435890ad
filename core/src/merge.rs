//! Merging an issuer's changes into the wallet's local snapshot of one membership.
//!
//! The rule: per (kind, id) the highest version wins; a tombstone is kept (with its version) so an
//! older change that arrives later cannot bring the entity back. Because changes are absolute
//! values, the result does not depend on how changes were batched, nor on applying one twice.

use crate::sync::{Change, EntityKind};
use std::collections::BTreeMap;

pub type EntityKey = (EntityKind, String);

/// The local copy of one membership's entities, keyed by (kind, id); tombstones included.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub entities: BTreeMap<EntityKey, Change>,
}

/// Whether `incoming` should replace `current` (the rule the snapshot and IndexedDB both use).
pub fn supersedes(incoming: &Change, current: Option<&Change>) -> bool {
    current.is_none_or(|current| incoming.version > current.version)
}

impl Snapshot {
    pub fn apply(&mut self, change: &Change) {
        let key = (change.kind.clone(), change.id.clone());
        if supersedes(change, self.entities.get(&key)) {
            self.entities.insert(key, change.clone());
        }
    }

    pub fn apply_all<'a>(&mut self, changes: impl IntoIterator<Item = &'a Change>) {
        for change in changes {
            self.apply(change);
        }
    }

    /// The live entities (no tombstones).
    pub fn live(&self) -> impl Iterator<Item = &Change> {
        self.entities.values().filter(|c| !c.deleted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn change(kind: u8, id: u8, version: u64, deleted: bool) -> Change {
        let kind = match kind % 3 {
            0 => EntityKind::Membership,
            1 => EntityKind::PointsBalance,
            _ => EntityKind::Coupon,
        };
        Change {
            kind,
            id: format!("e{}", id % 5),
            version,
            deleted,
            data: (!deleted).then(|| json!({ "v": version })),
        }
    }

    fn changes() -> impl Strategy<Value = Vec<Change>> {
        // Versions are issuer-wide and unique per write, so one version never names two states.
        proptest::collection::vec((any::<u8>(), any::<u8>(), any::<bool>()), 0..40).prop_map(
            |raw| {
                raw.into_iter()
                    .enumerate()
                    .map(|(i, (kind, id, deleted))| change(kind, id, i as u64 + 1, deleted))
                    .collect()
            },
        )
    }

    #[test]
    fn a_tombstone_is_not_undone_by_an_older_change() {
        let mut snapshot = Snapshot::default();
        snapshot.apply(&change(0, 1, 5, true));
        snapshot.apply(&change(0, 1, 3, false));
        assert_eq!(snapshot.live().count(), 0);
        snapshot.apply(&change(0, 1, 6, false));
        assert_eq!(snapshot.live().count(), 1);
    }

    proptest! {
        #[test]
        fn applying_a_batch_twice_changes_nothing(batch in changes()) {
            let mut once = Snapshot::default();
            once.apply_all(&batch);
            let mut twice = once.clone();
            twice.apply_all(&batch);
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn batching_and_order_do_not_matter(batch in changes(), split in any::<prop::sample::Index>(), seed in any::<u64>()) {
            let mut whole = Snapshot::default();
            whole.apply_all(&batch);

            let at = split.index(batch.len() + 1);
            let (first, second) = batch.split_at(at);
            let mut in_pages = Snapshot::default();
            in_pages.apply_all(second);
            in_pages.apply_all(first);
            prop_assert_eq!(&whole, &in_pages);

            let mut shuffled = batch.clone();
            let mut state = seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let mut reordered = Snapshot::default();
            reordered.apply_all(&shuffled);
            prop_assert_eq!(whole, reordered);
        }

        #[test]
        fn an_older_version_never_overwrites_a_newer_one(batch in changes(), old in 0u64..1000) {
            let mut snapshot = Snapshot::default();
            snapshot.apply_all(&batch);
            let before = snapshot.clone();
            for existing in before.entities.values() {
                let mut stale = existing.clone();
                stale.version = old.min(existing.version);
                stale.deleted = !existing.deleted;
                stale.data = None;
                snapshot.apply(&stale);
            }
            prop_assert_eq!(before, snapshot);
        }
    }
}
