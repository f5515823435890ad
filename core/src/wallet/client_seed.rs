//! When the wallet sets its client seed for a prize-draw seed (protocol.md §14.1): as soon as it
//! holds a current seed (committed, not revealed) without one, unless one is queued for it already.

use super::pending::QueuedAction;
use crate::games::draw_set_client_seed;
use serde_json::Value;

/// Whether a `draw_seed` entity's data (`games::DrawSeedData` on the wire) is a committed seed
/// that is not revealed and has no client seed. Only those fields are read, so the wallet's first
/// screen, which runs this at every sync, carries no parser of the whole entity.
fn awaits_client_seed(data: &Value) -> bool {
    data.get("commitment").is_some_and(Value::is_string)
        && data.get("client_seed").is_none_or(Value::is_null)
        && data.get("revealed_seed").is_none_or(Value::is_null)
}

/// The id of the seed that needs the wallet's client seed, if any, among `draw_seed` entities
/// (id, data as stored).
pub fn seed_needing_client_seed<'a>(
    seeds: impl IntoIterator<Item = (&'a str, &'a Value)>,
    queued: &[QueuedAction<'_>],
) -> Option<&'a str> {
    seeds
        .into_iter()
        .filter(|(_, data)| awaits_client_seed(data))
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
    use crate::games::DrawSeedData;
    use serde_json::json;

    fn seed(client: Option<&str>, revealed: Option<&str>) -> Value {
        let data = DrawSeedData {
            commitment: "c".repeat(64),
            client_seed: client.map(str::to_owned),
            revealed_seed: revealed.map(str::to_owned),
            created_at: 0,
            revealed_at: revealed.map(|_| 1),
        };
        serde_json::to_value(data).unwrap()
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

    #[test]
    fn data_that_is_not_a_committed_seed_gets_none() {
        let no_commitment = json!({"client_seed": null, "created_at": 0});
        let not_an_object = json!("ds");
        let seeds = [("ds_a", &no_commitment), ("ds_b", &not_an_object)];
        assert_eq!(seed_needing_client_seed(seeds, &[]), None);
    }
}
