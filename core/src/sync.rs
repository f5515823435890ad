//! Wallet Sync Protocol v1, `POST {base}/v1/sync`: one round trip pushes the wallet's queued
//! mutations and pulls every entity that changed since the wallet's cursor. docs/protocol.md
//! section 9 is the normative text; these are the bodies both our sides compile against.
//!
//! Design in one paragraph: the wallet numbers its mutations 1, 2, 3... per (membership, client).
//! The issuer applies them in order, exactly once, and stores each answer; it records the last
//! processed number in the same transaction as the mutation's effects, so a resent mutation gets
//! its stored answer and never applies twice. Changes are absolute values with a per-issuer,
//! monotonically increasing version, so applying a change twice or out of order is harmless: the
//! higher version wins (see `merge`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most mutations one request may carry.
pub const MAX_MUTATIONS_PER_REQUEST: usize = 100;
/// Most changes one response carries; `more: true` says another page follows.
pub const MAX_CHANGES_PER_PAGE: usize = 500;
pub const MAX_MUTATION_NAME_LEN: usize = 64;
pub const MAX_ID_LEN: usize = 128;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncRequest {
    /// A random id of this wallet installation (UUID), stable across syncs.
    pub client_id: String,
    /// Opaque; `None` on the first sync (or after the wallet lost its data): a full snapshot follows.
    #[serde(default)]
    pub cursor: Option<String>,
    /// In ascending `seq` order, contiguous.
    #[serde(default)]
    pub mutations: Vec<Mutation>,
}

/// A customer's intent, queued in the wallet's outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    /// Per (membership, client) sequence number, from 1, without gaps.
    pub seq: u64,
    /// A UUID the wallet made; lets an issuer log and de-duplicate across clients.
    pub id: String,
    /// e.g. `profile.update`.
    pub name: String,
    pub args: Value,
    /// Milliseconds since the epoch on the wallet's clock when the customer acted (informative).
    pub client_time: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncResponse {
    /// One per mutation the issuer processed now or had processed before, in `seq` order (none for
    /// a resent `seq` whose answer the issuer forgot: `last_processed_seq` covers it).
    pub results: Vec<MutationResult>,
    /// Every mutation with `seq <=` this is processed (applied or rejected): the wallet may drop it.
    pub last_processed_seq: u64,
    pub changes: Vec<Change>,
    pub cursor: String,
    /// Another page of changes follows: sync again (with no mutations) with the new cursor.
    #[serde(default)]
    pub more: bool,
    /// The cursor was unknown: the wallet must drop this membership's entities and take the
    /// changes (this page and any that follow with `more`) as the full snapshot.
    #[serde(default)]
    pub reset: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MutationOutcome {
    Applied,
    /// Final: a rejected mutation counts as processed and is never retried.
    Rejected {
        code: String,
        message: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutationResult {
    pub seq: u64,
    pub id: String,
    #[serde(flatten)]
    pub outcome: MutationOutcome,
}

/// The kinds of entity an issuer sends. Unknown kinds (from a newer issuer) are kept as `Other`
/// and ignored by the UI, so v1 wallets keep working when issuers add kinds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Membership,
    Merchant,
    StampCard,
    PointsBalance,
    LedgerEntry,
    Tier,
    Coupon,
    Reward,
    Survey,
    Ticket,
    Message,
    /// A seed of the member's prize draws (protocol.md §14).
    DrawSeed,
    /// A claim code this membership claimed (protocol.md §15).
    Claim,
    /// The membership's referral code and what it earned (protocol.md §16).
    Referral,
    #[serde(untagged)]
    Other(String),
}

impl EntityKind {
    /// The wire name, e.g. `stamp_card` (what issuers store and send).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Membership => "membership",
            Self::Merchant => "merchant",
            Self::StampCard => "stamp_card",
            Self::PointsBalance => "points_balance",
            Self::LedgerEntry => "ledger_entry",
            Self::Tier => "tier",
            Self::Coupon => "coupon",
            Self::Reward => "reward",
            Self::Survey => "survey",
            Self::Ticket => "ticket",
            Self::Message => "message",
            Self::DrawSeed => "draw_seed",
            Self::Claim => "claim",
            Self::Referral => "referral",
            Self::Other(name) => name,
        }
    }

    /// The kind a wire name means; a name v1 does not define is `Other`.
    pub fn parse(name: &str) -> Self {
        const KNOWN: [EntityKind; 14] = [
            EntityKind::Membership,
            EntityKind::Merchant,
            EntityKind::StampCard,
            EntityKind::PointsBalance,
            EntityKind::LedgerEntry,
            EntityKind::Tier,
            EntityKind::Coupon,
            EntityKind::Reward,
            EntityKind::Survey,
            EntityKind::Ticket,
            EntityKind::Message,
            EntityKind::DrawSeed,
            EntityKind::Claim,
            EntityKind::Referral,
        ];
        KNOWN
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .unwrap_or_else(|| Self::Other(name.to_owned()))
    }
}

impl std::fmt::Display for EntityKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `data` of the `membership` entity (id = the membership id): created at enroll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipData {
    pub merchant_id: String,
    /// Unix seconds, as in the enroll response.
    pub member_since: i64,
    /// What the cashier greets the member by; `null` until `profile.update` sets it.
    pub display_name: Option<String>,
}

/// One entity as it is now at the issuer: absolute values, never deltas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub kind: EntityKind,
    pub id: String,
    /// Issuer-wide, strictly increasing with every write: a higher version is newer.
    pub version: u64,
    /// A tombstone: the entity was deleted. `data` is absent.
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub data: Option<Value>,
}

/// Error codes of `/v1/sync` (in addition to protocol::error_code).
pub mod error_code {
    /// A mutation's `seq` skips ahead of the issuer's last processed + 1.
    pub const SEQ_GAP: &str = "seq_gap";
    /// A resent `seq` was processed before for a mutation with another `id`: this client id's
    /// numbers are used by another outbox (the remedy, like for `seq_gap`, is a new client id).
    pub const SEQ_CONFLICT: &str = "seq_conflict";
    /// The mutation name is not one the issuer knows: rejected, final.
    pub const UNKNOWN_MUTATION: &str = "unknown_mutation";
    /// The arguments do not fit the mutation: rejected, final.
    pub const INVALID_ARGUMENTS: &str = "invalid_arguments";
}

/// Why a sync response was refused before anything was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidSyncResponse {
    TooManyChanges,
    ResultForUnsentMutation,
    LastProcessedBeyondSent,
    BadChange,
    EmptyCursor,
}

impl std::fmt::Display for InvalidSyncResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::TooManyChanges => "more changes than a page may hold",
            Self::ResultForUnsentMutation => "a result for a mutation that was not sent",
            Self::LastProcessedBeyondSent => {
                "claims to have processed mutations that were not sent"
            }
            Self::BadChange => "a change without data or with an invalid id",
            Self::EmptyCursor => "an empty cursor",
        })
    }
}

impl SyncResponse {
    /// Checks what serde cannot: that the answer is about what was asked. Nothing from a
    /// response is written to IndexedDB unless this passes.
    pub fn validate(&self, sent: &[Mutation]) -> Result<(), InvalidSyncResponse> {
        if self.changes.len() > MAX_CHANGES_PER_PAGE {
            return Err(InvalidSyncResponse::TooManyChanges);
        }
        if self.cursor.is_empty() || self.cursor.len() > MAX_ID_LEN {
            return Err(InvalidSyncResponse::EmptyCursor);
        }
        let max_sent = sent.iter().map(|m| m.seq).max().unwrap_or(0);
        if self.last_processed_seq > max_sent && !sent.is_empty() {
            return Err(InvalidSyncResponse::LastProcessedBeyondSent);
        }
        if self
            .results
            .iter()
            .any(|r| !sent.iter().any(|m| m.seq == r.seq && m.id == r.id))
        {
            return Err(InvalidSyncResponse::ResultForUnsentMutation);
        }
        let bad_change = |c: &Change| {
            c.id.is_empty() || c.id.len() > MAX_ID_LEN || (!c.deleted && c.data.is_none())
        };
        if self.changes.iter().any(bad_change) {
            return Err(InvalidSyncResponse::BadChange);
        }
        Ok(())
    }
}

/// `profile.update`: the member's display name at this merchant (what the cashier greets them by).
/// Args: `{"display_name": "..."}`, 1 to 40 characters after trimming, no control characters.
/// Effect: the `membership` entity's `data.display_name` changes.
pub mod profile_update {
    pub const NAME: &str = "profile.update";
    pub const MAX_DISPLAY_NAME_CHARS: usize = 40;

    /// The cleaned display name, or `None` if the argument is not acceptable.
    pub fn display_name(args: &serde_json::Value) -> Option<String> {
        let name = args.get("display_name")?.as_str()?.trim();
        crate::text::is_valid(name, MAX_DISPLAY_NAME_CHARS, crate::text::Lines::One)
            .then(|| name.to_owned())
    }
}

/// `membership.leave {}`: the member leaves the merchant. The issuer ends the membership: its
/// token no longer syncs (`401`), and the wallet removes the card once the issuer has applied it.
pub mod membership_leave {
    pub const NAME: &str = "membership.leave";
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mutation(seq: u64) -> Mutation {
        Mutation {
            seq,
            id: format!("m{seq}"),
            name: profile_update::NAME.into(),
            args: json!({"display_name": "小明"}),
            client_time: 0,
        }
    }

    fn response() -> SyncResponse {
        SyncResponse {
            results: vec![MutationResult {
                seq: 1,
                id: "m1".into(),
                outcome: MutationOutcome::Applied,
            }],
            last_processed_seq: 1,
            changes: vec![Change {
                kind: EntityKind::Membership,
                id: "7K3D9QX2M4PA".into(),
                version: 3,
                deleted: false,
                data: Some(json!({"display_name": "小明"})),
            }],
            cursor: "3".into(),
            more: false,
            reset: false,
        }
    }

    /// Protocol 9.2: which request fields are required, and `null` against absent.
    #[test]
    fn request_fields_required_and_optional() {
        let parse = |v: serde_json::Value| serde_json::from_value::<SyncRequest>(v);
        let full =
            json!({"seq": 1, "id": "m1", "name": "profile.update", "args": {}, "client_time": 0});
        let ok = parse(json!({"client_id": "c", "mutations": [full.clone()]})).unwrap();
        assert_eq!(ok.cursor, None);
        assert!(parse(json!({"client_id": "c"}))
            .unwrap()
            .mutations
            .is_empty());
        assert_eq!(
            parse(json!({"client_id": "c", "cursor": null}))
                .unwrap()
                .cursor,
            None
        );
        assert!(parse(json!({"client_id": "c", "mutations": null})).is_err());
        assert!(
            parse(json!({"mutations": []})).is_err(),
            "client_id is required"
        );
        for field in ["seq", "id", "name", "args", "client_time"] {
            let mut partial = full.clone();
            partial.as_object_mut().unwrap().remove(field);
            assert!(
                parse(json!({"client_id": "c", "mutations": [partial]})).is_err(),
                "{field} is required"
            );
        }
        let mut null_args = full;
        null_args["args"] = serde_json::Value::Null;
        let with_null = parse(json!({"client_id": "c", "mutations": [null_args]})).unwrap();
        assert_eq!(with_null.mutations[0].args, serde_json::Value::Null);
    }

    #[test]
    fn wire_format() {
        let json = serde_json::to_value(response()).unwrap();
        assert_eq!(
            json["results"][0],
            json!({"seq": 1, "id": "m1", "status": "applied"})
        );
        let rejected = MutationResult {
            seq: 2,
            id: "m2".into(),
            outcome: MutationOutcome::Rejected {
                code: "x".into(),
                message: "y".into(),
            },
        };
        assert_eq!(
            serde_json::to_value(rejected).unwrap(),
            json!({"seq": 2, "id": "m2", "status": "rejected", "code": "x", "message": "y"})
        );
        let unknown: Change = serde_json::from_value(
            json!({"kind": "hologram", "id": "h", "version": 1, "data": {}}),
        )
        .unwrap();
        assert_eq!(unknown.kind, EntityKind::Other("hologram".into()));
    }

    #[test]
    fn entity_kind_names_match_serde() {
        for name in [
            "membership",
            "merchant",
            "stamp_card",
            "points_balance",
            "ledger_entry",
            "tier",
            "coupon",
            "reward",
            "survey",
            "ticket",
            "message",
            "hologram",
        ] {
            let kind = EntityKind::parse(name);
            assert_eq!(kind.as_str(), name);
            assert_eq!(serde_json::to_value(&kind).unwrap(), json!(name));
            assert_eq!(
                serde_json::from_value::<EntityKind>(json!(name)).unwrap(),
                kind
            );
        }
        assert_eq!(
            EntityKind::parse("hologram"),
            EntityKind::Other("hologram".into())
        );
    }

    #[test]
    fn membership_data_has_a_null_display_name_until_set() {
        let data = MembershipData {
            merchant_id: "morning-cafe".into(),
            member_since: 1_767_225_600,
            display_name: None,
        };
        assert_eq!(
            serde_json::to_value(&data).unwrap(),
            json!({"merchant_id": "morning-cafe", "member_since": 1_767_225_600, "display_name": null})
        );
    }

    #[test]
    fn validation_refuses_answers_about_something_else() {
        let sent = [mutation(1)];
        assert_eq!(response().validate(&sent), Ok(()));
        assert_eq!(
            response().validate(&[]),
            Err(InvalidSyncResponse::ResultForUnsentMutation)
        );
        let mut r = response();
        r.last_processed_seq = 9;
        assert_eq!(
            r.validate(&sent),
            Err(InvalidSyncResponse::LastProcessedBeyondSent)
        );
        let mut r = response();
        r.changes[0].data = None;
        assert_eq!(r.validate(&sent), Err(InvalidSyncResponse::BadChange));
        let mut r = response();
        r.cursor.clear();
        assert_eq!(r.validate(&sent), Err(InvalidSyncResponse::EmptyCursor));
    }

    #[test]
    fn display_names() {
        assert_eq!(
            profile_update::display_name(&json!({"display_name": " 小明 "})).as_deref(),
            Some("小明")
        );
        assert_eq!(
            profile_update::display_name(&json!({"display_name": ""})),
            None
        );
        assert_eq!(
            profile_update::display_name(&json!({"display_name": 3})),
            None
        );
        assert_eq!(
            profile_update::display_name(&json!({"display_name": "a\u{0}"})),
            None
        );
    }
}
