//! The records of the sync stores, as they sit in IndexedDB.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use wallet_core::sync::{Change, EntityKind, Mutation};
use wallet_core::wallet::{CapReached, StoredUsage};

/// A queued mutation of one membership.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxRecord {
    pub membership_id: String,
    pub seq: u64,
    pub id: String,
    pub name: String,
    pub args: Value,
    pub client_time: i64,
}

impl OutboxRecord {
    pub fn to_mutation(&self) -> Mutation {
        Mutation {
            seq: self.seq,
            id: self.id.clone(),
            name: self.name.clone(),
            args: self.args.clone(),
            client_time: self.client_time,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncStateRecord {
    pub membership_id: String,
    #[serde(default)]
    pub cursor: Option<String>,
    /// The seq the next queued mutation gets; starts at 1.
    #[serde(default = "first_seq")]
    pub next_seq: u64,
    /// Milliseconds since the epoch.
    #[serde(default)]
    pub last_synced_at: Option<f64>,
    /// The issuer answered 401: the data stays, read-only, and sync stops for it.
    #[serde(default)]
    pub signed_out: bool,
    /// What this membership's entities take (`wallet_core::wallet::StoredUsage`); absent in the
    /// records of older wallets until their next sync counts it.
    #[serde(default)]
    pub usage: Option<StoredUsage>,
    /// The issuer sent more than a cap allows: the card says so until a reset fits again.
    #[serde(default)]
    pub over_cap: Option<CapReached>,
}

fn first_seq() -> u64 {
    1
}

impl SyncStateRecord {
    pub fn new(membership_id: &str) -> Self {
        Self {
            membership_id: membership_id.to_owned(),
            next_seq: 1,
            ..Self::default()
        }
    }
}

/// One entity an issuer sent, stored under its membership.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EntityRecord {
    pub membership_id: String,
    pub kind: EntityKind,
    pub id: String,
    pub version: u64,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub data: Option<Value>,
}

impl EntityRecord {
    pub fn from_change(membership_id: &str, change: &Change) -> Self {
        Self {
            membership_id: membership_id.to_owned(),
            kind: change.kind.clone(),
            id: change.id.clone(),
            version: change.version,
            deleted: change.deleted,
            data: change.data.clone(),
        }
    }
}

/// A mutation the issuer refused (final), kept so the customer sees why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RejectedRecord {
    pub membership_id: String,
    pub seq: u64,
    pub name: String,
    pub code: String,
    pub message: String,
    /// The refused mutation's arguments (which reward, say); absent in records of older wallets.
    #[serde(default)]
    pub args: Value,
}
