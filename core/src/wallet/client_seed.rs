//! When the wallet sets its client seed for a prize-draw seed (protocol.md §14.1): as soon as it
//! holds a current seed (committed, not revealed) without one, unless one is queued for it already.

use super::pending::QueuedAction;
use crate::games::{draw_set_client_seed, DrawSeedData};

/// The id of the seed that needs the wallet's client seed, if any.
pub fn seed_needing_client_seed<'a>(
    seeds: impl IntoIterator<Item = (&'a str, &'a DrawSeedData)>,
    queued: &[QueuedAction<'_>],
) -> Option<&'a str> {
    seeds
        .into_iter()
        .filter(|(_, seed)| seed.client_seed.is_none() && seed.revealed_seed.is_none())
        .map(|(id, _)| id)
        .find(|id| {
            !queued.iter().any(|action| {
                action.name == draw_set_client_seed::NAME
                    && action.args.get("seed_id").and_then(|v| v.as_str()) == Some(*id)
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn seed(client: Option<&str>, revealed: Option<&str>) -> DrawSeedData {
        DrawSeedData {
            commitment: "c".repeat(64),
            client_seed: client.map(str::to_owned),
            revealed_seed: revealed.map(str::to_owned),
            created_at: 0,
            revealed_at: revealed.map(|_| 1),
        }
    }

    #[test]
    fn a_committed_seed_without_a_client_seed_gets_one_once() {
        let open = seed(None, None);
        let set = seed(Some("phone-seed-1"), None);
        let old = seed(Some("phone-seed-0"), Some("ab"));
        let seeds = [("ds_old", &old), ("ds_set", &set), ("ds_new", &open)];
        assert_eq!(seed_needing_client_seed(seeds, &[]), Some("ds_new"));
        let args = json!({"seed_id": "ds_new", "client_seed": "phone-seed-2"});
        let queued = [QueuedAction {
            name: draw_set_client_seed::NAME,
            args: &args,
        }];
        assert_eq!(
            seed_needing_client_seed(seeds, &queued),
            None,
            "queued already"
        );
        assert_eq!(seed_needing_client_seed([("ds_set", &set)], &[]), None);
    }
}
