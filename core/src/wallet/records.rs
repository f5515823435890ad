//! The records the wallet keeps in IndexedDB: its memberships and the sync stores' records. In
//! `core` rather than the app so that the wallet's export file (`export.rs`) is checked against
//! the very types it is written back as.

use super::{CapReached, QueuedAction, StoredUsage};
use crate::loyalty::GroupInfo;
use crate::protocol::{EnrollResponse, TotpParams};
use crate::sync::{Change, EntityKind, Mutation};
use crate::{IssuerUrl, MembershipId, MerchantDisplay, Totp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A membership as the wallet keeps it (store `memberships`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredMembership {
    /// The IndexedDB key. Unique in the wallet: a second issuer answering with an id we already
    /// hold is refused at join time, so it cannot overwrite someone else's card.
    pub id: MembershipId,
    pub issuer: IssuerUrl,
    /// The join code it was made with, upper-cased: opening the same join link again opens the
    /// card instead of making a second membership.
    pub join_code: String,
    pub token: String,
    pub totp: TotpParams,
    pub merchant: MerchantDisplay,
    pub member_since: i64,
    /// Milliseconds since the epoch, for ordering the wallet newest first.
    pub joined_at: f64,
    /// The customer left it: hidden from every list while its `membership.leave` waits to be
    /// sent; deleted with all its records once the issuer has it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leaving: bool,
    /// The merchant group whose brands share this card's points, as its `points_balance` says
    /// (kept here by the sync, so the first page can show a group's cards together at once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupInfo>,
}

impl StoredMembership {
    pub fn from_enrollment(
        issuer: IssuerUrl,
        join_code: &str,
        response: EnrollResponse,
        joined_at: f64,
    ) -> Self {
        Self {
            id: response.membership.id,
            issuer,
            join_code: join_code.to_ascii_uppercase(),
            token: response.membership.token,
            totp: response.totp,
            merchant: response.merchant,
            member_since: response.membership.member_since,
            joined_at,
            leaving: false,
            group: None,
        }
    }

    /// Validated when it was stored; `None` only if the record was tampered with.
    pub fn totp(&self) -> Option<Totp> {
        self.totp.to_totp()
    }

    pub fn is_same_join(&self, issuer: &IssuerUrl, join_code: &str) -> bool {
        &self.issuer == issuer && self.join_code.eq_ignore_ascii_case(join_code)
    }
}

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
    /// The queued action, as the pending overlay and the client seed's check read it.
    pub fn action(&self) -> QueuedAction<'_> {
        QueuedAction {
            name: &self.name,
            args: &self.args,
        }
    }

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
    /// The installation id this membership syncs under, when it is not the wallet's own: a card
    /// moved from another phone keeps that phone's id and numbering, so an action queued there
    /// and sent from both phones is still applied once (docs/wallet-export.md). Cleared when the
    /// wallet renumbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
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
