//! A membership as the wallet keeps it in IndexedDB.

use serde::{Deserialize, Serialize};
use wallet_core::protocol::{EnrollResponse, TotpParams};
use wallet_core::{IssuerUrl, MembershipId, MerchantDisplay, Totp};

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
