//! Claim codes: a merchant's staff print a code on a receipt, a table card or a package; the
//! customer scans (or types) it and the wallet queues `claim.redeem`, which gives bonus stamps or a
//! game ticket once, to whoever claims it first (docs/protocol.md §15).
//!
//! A claim code is 12 characters of Crockford base32 (60 random bits, like a coupon code): it
//! cannot be guessed, and the issuer's conditional write makes it single use across all members.
//! It travels in a claim link (`/claim?issuer=...&code=<join code>&claim=<claim code>`, built and
//! read in `join_link` and `scan`) or typed, in any case and with spaces or hyphens.

use crate::games::GameKind;
use crate::loyalty::{is_data_id, MAX_DATA_ID_LEN};
use crate::model::LocalizedText;
use crate::short_code;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

pub const CLAIM_CODE_LEN: usize = 12;

/// At most this many `claim.redeem` attempts per membership in any 24 hours, whatever their
/// outcome: enough for a customer with a bag of packages, far too few to guess 60-bit codes.
pub const MAX_CLAIMS_PER_DAY: u32 = 10;
/// Most codes one staff request creates.
pub const MAX_CODES_PER_REQUEST: u32 = 100;
/// Most bonus stamps one code gives (a stamp card has at most 50).
pub const MAX_CLAIM_STAMPS: u32 = 50;
/// Longest validity a staff request may give, in days.
pub const MAX_VALID_DAYS: u32 = 366;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ClaimCode(String);

impl ClaimCode {
    /// What a person typed or a link carried, read forgivingly (`O` is `0`, `I`/`L` are `1`).
    pub fn parse(input: &str) -> Option<Self> {
        short_code::read_forgiving(input, CLAIM_CODE_LEN).map(Self)
    }

    /// A code from 60 random bits (the caller supplies the randomness).
    pub fn from_random(bits: u64) -> Self {
        Self(short_code::from_random(bits, CLAIM_CODE_LEN))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `K7Q2 M4PA 9X3D`, as printed under its QR.
    pub fn grouped(&self) -> String {
        short_code::grouped(&self.0)
    }
}

impl fmt::Display for ClaimCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ClaimCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("not a claim code"))
    }
}

/// What a claim code gives, as staff create it and as the `claim` entity reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClaimGift {
    /// Bonus stamps on the member's active card (steps reached issue their coupons).
    Stamps { stamps: u32 },
    /// One ticket of a game campaign, drawn as any ticket (§14).
    Ticket {
        campaign_id: String,
        /// The ticket given; in the `claim` entity only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket_id: Option<String>,
    },
}

impl ClaimGift {
    pub fn is_valid(&self) -> bool {
        match self {
            Self::Stamps { stamps } => (1..=MAX_CLAIM_STAMPS).contains(stamps),
            Self::Ticket {
                campaign_id,
                ticket_id,
            } => is_data_id(campaign_id) && ticket_id.as_deref().is_none_or(is_data_id),
        }
    }
}

/// The `claim` entity (id: the claim code): a code this membership claimed, and what it gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimData {
    pub merchant_id: String,
    pub code: ClaimCode,
    pub gift: ClaimGift,
    /// What the staff called it ("Thank-you for your order"), shown with the gift.
    pub title: LocalizedText,
    /// The game of a ticket gift (`scratch` or `wheel`), so the wallet can say which.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub game: Option<GameKind>,
    pub claimed_at: i64,
}

impl ClaimData {
    pub fn validate(&self) -> bool {
        is_data_id(&self.merchant_id) && self.gift.is_valid() && self.title.is_valid()
    }
}

/// `POST {base}/v1/cashier/claim-codes`: staff create codes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateClaimCodes {
    pub gift: ClaimGift,
    /// 1 to `MAX_CODES_PER_REQUEST`.
    pub count: u32,
    /// 1 to `MAX_VALID_DAYS`: the codes expire this many days from now (to the second).
    pub valid_days: u32,
    pub title: LocalizedText,
}

impl CreateClaimCodes {
    /// Why the request cannot be carried out as it is (`None`: it can).
    pub fn problem(&self) -> Option<String> {
        if !(1..=MAX_CODES_PER_REQUEST).contains(&self.count) {
            return Some(format!(
                "count must be 1 to {MAX_CODES_PER_REQUEST} codes per request"
            ));
        }
        if !(1..=MAX_VALID_DAYS).contains(&self.valid_days) {
            return Some(format!("valid_days must be 1 to {MAX_VALID_DAYS}"));
        }
        if !self.title.is_valid() {
            return Some("title must be one line of 1 to 80 characters in both languages".into());
        }
        match &self.gift {
            ClaimGift::Stamps { stamps } if !(1..=MAX_CLAIM_STAMPS).contains(stamps) => {
                Some(format!("a code gives 1 to {MAX_CLAIM_STAMPS} stamps"))
            }
            ClaimGift::Ticket {
                ticket_id: Some(_), ..
            } => Some("ticket_id is what a claim gave, not something to ask for".into()),
            ClaimGift::Ticket { campaign_id, .. } if !is_data_id(campaign_id) => Some(format!(
                "campaign_id must be a campaign's id (1 to {MAX_DATA_ID_LEN} bytes)"
            )),
            _ => None,
        }
    }
}

/// One created code, with the link its QR carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedClaimCode {
    pub code: ClaimCode,
    pub link: String,
    pub expires_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedClaimCodes {
    pub merchant_id: String,
    pub gift: ClaimGift,
    pub codes: Vec<CreatedClaimCode>,
}

/// `claim.redeem {"code": "K7Q2M4PA9X3D"}`: claims a code for this membership.
pub mod claim_redeem {
    use super::ClaimCode;

    pub const NAME: &str = "claim.redeem";

    /// The code of the arguments, if they are `{"code": <a claim code, typed form allowed>}`.
    pub fn code(args: &serde_json::Value) -> Option<ClaimCode> {
        ClaimCode::parse(args.get("code")?.as_str()?)
    }

    /// Rejection codes (besides `invalid_arguments`).
    pub mod rejection {
        /// No such code at this membership's merchant (another merchant's codes are unknown here).
        pub const CLAIM_UNKNOWN: &str = "claim_unknown";
        /// Claimed already, by this member or another: a code is claimed once.
        pub const CLAIM_USED: &str = "claim_used";
        /// Past the code's `expires_at`.
        pub const CLAIM_EXPIRED: &str = "claim_expired";
        /// This membership made `MAX_CLAIMS_PER_DAY` attempts in the last 24 hours.
        pub const CLAIM_LIMIT: &str = "claim_limit";
        /// The code gives stamps and the merchant has no stamp card now, or a ticket of a
        /// campaign that has ended.
        pub const CLAIM_UNAVAILABLE: &str = "claim_unavailable";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codes_read_forgivingly() {
        let code = ClaimCode::parse("k7q2-m4pa-9x3d").unwrap();
        assert_eq!(code.as_str(), "K7Q2M4PA9X3D");
        assert_eq!(code.grouped(), "K7Q2 M4PA 9X3D");
        assert_eq!(ClaimCode::parse("K7Q2M4PA9X3"), None);
        assert_eq!(ClaimCode::parse("<script>alert"), None);
        assert_eq!(
            claim_redeem::code(&json!({"code": "K7Q2 M4PA 9X3D"})),
            Some(code)
        );
        assert_eq!(claim_redeem::code(&json!({"code": 7})), None);
        assert_eq!(claim_redeem::code(&json!({})), None);
    }

    #[test]
    fn gifts_on_the_wire() {
        let stamps: ClaimGift =
            serde_json::from_value(json!({"type": "stamps", "stamps": 2})).unwrap();
        assert_eq!(stamps, ClaimGift::Stamps { stamps: 2 });
        let ticket = ClaimGift::Ticket {
            campaign_id: "cafe-scratch".into(),
            ticket_id: None,
        };
        assert_eq!(
            serde_json::to_value(&ticket).unwrap(),
            json!({"type": "ticket", "campaign_id": "cafe-scratch"})
        );
        assert!(!ClaimGift::Stamps { stamps: 0 }.is_valid());
        assert!(!ClaimGift::Stamps { stamps: 51 }.is_valid());
    }

    #[test]
    fn staff_requests_are_bounded() {
        let request = |count, valid_days, gift| CreateClaimCodes {
            gift,
            count,
            valid_days,
            title: LocalizedText::new("感謝訂購", "Thank you for your order"),
        };
        let two = ClaimGift::Stamps { stamps: 2 };
        assert_eq!(request(10, 30, two.clone()).problem(), None);
        assert!(request(0, 30, two.clone()).problem().is_some());
        assert!(request(101, 30, two.clone()).problem().is_some());
        assert!(request(1, 0, two.clone()).problem().is_some());
        assert!(request(1, 367, two).problem().is_some());
        assert!(request(1, 1, ClaimGift::Stamps { stamps: 99 })
            .problem()
            .is_some());
        let asks_for_a_ticket_id = ClaimGift::Ticket {
            campaign_id: "c".into(),
            ticket_id: Some("tk".into()),
        };
        assert!(request(1, 1, asks_for_a_ticket_id).problem().is_some());
    }
}
