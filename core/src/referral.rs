//! Referrals (member gets member): each membership has a referral code; a friend who joins with
//! it (`POST /v1/enroll` with `referral_code`, from a referral link
//! `/join?issuer=...&code=<join code>&ref=<referral code>`) rewards both sides per the merchant's
//! rules, once per new member, never for referring oneself (docs/protocol.md §16).
//!
//! A referral code is 10 characters of Crockford base32 (50 random bits), made when the
//! membership is: it says nothing about the membership id, and guessing one at the enroll rate
//! limit finds none.

use crate::loyalty::is_data_id;
use crate::model::LocalizedText;
use crate::short_code;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

pub const REFERRAL_CODE_LEN: usize = 10;

/// Error codes of enroll with a referral code (section 6).
pub mod error_code {
    /// `404`: no membership of this merchant has the referral code (or it is not one).
    pub const REFERRAL_CODE_UNKNOWN: &str = "referral_code_unknown";
    /// `409`: the referral code is one of the joining wallet's own memberships.
    pub const REFERRAL_SELF: &str = "referral_self";
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ReferralCode(String);

impl ReferralCode {
    /// What a link carried or a friend typed, read forgivingly (`O` is `0`, `I`/`L` are `1`).
    pub fn parse(input: &str) -> Option<Self> {
        short_code::read_forgiving(input, REFERRAL_CODE_LEN).map(Self)
    }

    /// A code from 50 random bits (the caller supplies the randomness).
    pub fn from_random(bits: u64) -> Self {
        Self(short_code::from_random(bits, REFERRAL_CODE_LEN))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn grouped(&self) -> String {
        short_code::grouped(&self.0)
    }
}

impl fmt::Display for ReferralCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ReferralCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("not a referral code"))
    }
}

/// What one side of a referral gets: points, stamps and a coupon, any of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralGift {
    pub points: i64,
    pub stamps: u32,
    /// The coupon's title, if a coupon is part of it.
    pub coupon_title: Option<LocalizedText>,
}

impl ReferralGift {
    pub fn is_valid(&self) -> bool {
        self.points >= 0
            && self.stamps <= crate::loyalty_rules::MAX_STAMPS_REQUIRED
            && self
                .coupon_title
                .as_ref()
                .is_none_or(LocalizedText::is_valid)
    }
}

/// The `referral` entity (id: the membership id): the member's code to share, what the program
/// gives, and what it has given them so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralData {
    pub merchant_id: String,
    pub code: ReferralCode,
    /// The merchant's join code: with `code` and the issuer it makes the referral link.
    pub join_code: String,
    /// `false` when the merchant runs no referral program now: the code still works for joining,
    /// but nobody is rewarded; the wallet offers no sharing.
    pub active: bool,
    /// What the member gets per friend, and what the friend gets.
    pub referrer_gift: ReferralGift,
    pub friend_gift: ReferralGift,
    /// The gifts come when the friend first buys something, not when they join.
    pub on_first_purchase: bool,
    /// Friends whose joining rewarded the member.
    pub friends_joined: u32,
    /// Friends who joined and have not bought yet (with `on_first_purchase`).
    pub friends_pending: u32,
    /// What the member has earned from referrals so far.
    pub earned_points: i64,
    pub earned_stamps: i64,
    pub earned_coupons: i64,
}

impl ReferralData {
    pub fn validate(&self) -> bool {
        is_data_id(&self.merchant_id)
            && crate::join_link::is_join_code(&self.join_code)
            && self.referrer_gift.is_valid()
            && self.friend_gift.is_valid()
            && self.earned_points >= 0
            && self.earned_stamps >= 0
            && self.earned_coupons >= 0
    }
}

/// The enroll answer's `referral`: what the referral code did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// Both sides were rewarded now.
    Rewarded,
    /// Both sides are rewarded at the new member's first purchase.
    OnFirstPurchase,
    /// The new membership was made, but the referral does not count: this wallet already holds
    /// a membership of this merchant (a re-join), the merchant runs no referral program, or the
    /// referrer reached the program's limit.
    NotCounted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollReferral {
    pub status: ReferralStatus,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn codes_read_forgivingly() {
        let code = ReferralCode::parse("7k3d-9qx2-m4").unwrap();
        assert_eq!(code.as_str(), "7K3D9QX2M4");
        assert_eq!(code.grouped(), "7K3D 9QX2 M4");
        assert_eq!(ReferralCode::parse("7K3D9QX2M4P"), None);
        assert_eq!(ReferralCode::parse(""), None);
        assert!(serde_json::from_value::<ReferralCode>(json!("javascript:x")).is_err());
    }

    #[test]
    fn the_entity_is_checked() {
        let data: ReferralData = serde_json::from_value(json!({
            "merchant_id": "morning-cafe", "code": "7K3D9QX2M4", "join_code": "CAFE",
            "active": true,
            "referrer_gift": {"points": 0, "stamps": 2, "coupon_title": null},
            "friend_gift": {"points": 0, "stamps": 1,
                "coupon_title": {"zh-TW": "司康一個", "en": "A scone"}},
            "on_first_purchase": true, "friends_joined": 1, "friends_pending": 0,
            "earned_points": 0, "earned_stamps": 2, "earned_coupons": 0
        }))
        .unwrap();
        assert!(data.validate());
        let mut bad = data.clone();
        bad.join_code = "<b>".into();
        assert!(!bad.validate());
        let mut bad = data;
        bad.referrer_gift.stamps = 99;
        assert!(!bad.validate());
        assert_eq!(
            serde_json::to_value(EnrollReferral {
                status: ReferralStatus::OnFirstPurchase
            })
            .unwrap(),
            json!({"status": "on_first_purchase"})
        );
    }
}
