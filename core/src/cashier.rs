//! The cashier (POS) endpoints beyond the scan, `POST {base}/v1/cashier/{purchase,redeem,adjust}`
//! (docs/protocol.md section 11): their bodies and error codes. A till authenticates with its
//! cashier key and names each request with a request id (the `Idempotency-Key` header or the
//! `request_id` field): the same id gets the stored answer and changes nothing.

use crate::coupon_code::CouponCode;
use crate::model::{LocalizedText, MembershipId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Request ids are 1 to 128 printable ASCII characters without spaces (a UUID fits).
pub const MAX_REQUEST_ID_LEN: usize = 128;
/// The header a till may send the request id in instead of the `request_id` field.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Largest points change one adjustment makes, either way.
pub const MAX_ADJUST_POINTS: i64 = 1_000_000;
/// Largest stamps change one adjustment makes, either way (no card is larger); the issuer also
/// bounds it by the merchant's card.
pub const MAX_ADJUST_STAMPS: i64 = crate::loyalty_rules::MAX_STAMPS_REQUIRED as i64;
/// Longest cashier note on an adjustment, in characters.
pub const MAX_NOTE_CHARS: usize = 80;

pub fn is_valid_request_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_REQUEST_ID_LEN && id.bytes().all(|b| b.is_ascii_graphic())
}

/// `POST /v1/cashier/purchase`: a member's purchase of `amount` NT$, shown by their member code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseRequest {
    /// The scanned member QR payload or the typed member number and code (as for the scan).
    pub payload: String,
    /// Whole NT$, 1 to 10,000,000.
    pub amount: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseResponse {
    pub request_id: String,
    pub membership_id: MembershipId,
    pub merchant_id: String,
    pub amount: i64,
    /// Unix seconds when the purchase was recorded (a replayed answer keeps the first time).
    pub recorded_at: i64,
    /// `null` when the merchant has no stamp program.
    pub stamps: Option<PurchaseStamps>,
    /// `null` when the merchant has no points program.
    pub points: Option<PurchasePoints>,
    /// `null` when the merchant has no tiers.
    pub tier: Option<PurchaseTier>,
    /// Coupons the purchase issued (stamp card steps, the birthday coupon).
    pub coupons_issued: Vec<IssuedCoupon>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseStamps {
    pub granted: u32,
    /// True when the per-visit or per-day limit took stamps away.
    pub limited: bool,
    /// Cards this purchase completed.
    pub cards_completed: u32,
    /// The card collecting stamps now (after the purchase).
    pub card_id: String,
    pub stamps: u32,
    pub stamps_required: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchasePoints {
    pub earned: i64,
    /// The balance after the purchase (a group's shared balance).
    pub balance: i64,
    pub account_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseTier {
    pub tier_id: String,
    pub name: LocalizedText,
    /// True when this purchase moved the member to another tier.
    pub changed: bool,
    pub spend_12m: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCoupon {
    pub code: CouponCode,
    pub title: LocalizedText,
    pub valid_until: i64,
}

/// `POST /v1/cashier/redeem`: the coupon's QR payload (`MWC1:<code>`) or its typed code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemRequest {
    pub coupon_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemResponse {
    pub request_id: String,
    pub coupon_code: CouponCode,
    pub membership_id: MembershipId,
    pub merchant_id: String,
    pub title: LocalizedText,
    pub terms: LocalizedText,
    pub used_at: i64,
}

/// `POST /v1/cashier/adjust`: staff add or remove points, or stamps, with a reason. Exactly one of
/// `delta_points` and `delta_stamps` is non-zero; an absent one is 0 (a till from before stamp
/// adjustments sends only `delta_points`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustRequest {
    pub membership_id: MembershipId,
    /// At most 1,000,000 either way.
    #[serde(default)]
    pub delta_points: i64,
    /// Stamps on the merchant's stamp card: at most the card's size either way.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub delta_stamps: i64,
    /// `adjustment`, `survey` or `game` (the ledger entry's reason for points).
    pub reason: String,
    /// Shown to the member in the points ledger, up to 80 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// What an adjustment changes: exactly one of points and stamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adjustment {
    Points(i64),
    Stamps(i64),
}

/// Why an adjustment's body is refused (`400 bad_request`; `Display` is for the till's operator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdjustmentError {
    NoChange,
    TooManyPoints,
    TooManyStamps,
    PointsAndStamps,
}

impl fmt::Display for AdjustmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoChange => f.write_str(
                "an adjustment changes points or stamps: send a non-zero delta_points or delta_stamps",
            ),
            Self::TooManyPoints => {
                write!(f, "delta_points is at most {MAX_ADJUST_POINTS} either way")
            }
            Self::TooManyStamps => write!(
                f,
                "delta_stamps is at most {MAX_ADJUST_STAMPS} either way (and at most the card's size)"
            ),
            Self::PointsAndStamps => f.write_str(
                "send delta_points or delta_stamps, not both: one adjustment changes one of them",
            ),
        }
    }
}

impl std::error::Error for AdjustmentError {}

impl AdjustRequest {
    /// The change asked for, or why the body is refused. Bounds that depend on the merchant (the
    /// card's size) are the issuer's.
    pub fn adjustment(&self) -> Result<Adjustment, AdjustmentError> {
        match (self.delta_points, self.delta_stamps) {
            (0, 0) => Err(AdjustmentError::NoChange),
            // unsigned_abs: `abs` of i64::MIN overflows (it wrapped to itself in release builds
            // and passed the bound).
            (points, 0) if points.unsigned_abs() > MAX_ADJUST_POINTS.unsigned_abs() => {
                Err(AdjustmentError::TooManyPoints)
            }
            (points, 0) => Ok(Adjustment::Points(points)),
            (0, stamps) if stamps.unsigned_abs() > MAX_ADJUST_STAMPS.unsigned_abs() => {
                Err(AdjustmentError::TooManyStamps)
            }
            (0, stamps) => Ok(Adjustment::Stamps(stamps)),
            _ => Err(AdjustmentError::PointsAndStamps),
        }
    }
}

/// The answer to an adjustment. A points adjustment has `balance`, `account_id` and
/// `ledger_entry_id`; a stamps adjustment has `stamps` and `coupons_issued`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustResponse {
    pub request_id: String,
    pub membership_id: MembershipId,
    pub delta_points: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub delta_stamps: i64,
    pub reason: String,
    /// The points balance after (a group's shared balance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger_entry_id: Option<String>,
    /// The card collecting stamps after a stamps adjustment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stamps: Option<AdjustStamps>,
    /// Coupons the added stamps issued (the card's steps reached).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coupons_issued: Vec<IssuedCoupon>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdjustStamps {
    /// Cards the added stamps completed.
    pub cards_completed: u32,
    /// The card collecting stamps now (a new one when the adjustment completed a card).
    pub card_id: String,
    pub stamps: u32,
    pub stamps_required: u32,
}

/// Error codes of the cashier endpoints (in addition to `protocol::error_code`).
pub mod error_code {
    /// 400: the coupon input is not a coupon code.
    pub const COUPON_CODE_MALFORMED: &str = "coupon_code_malformed";
    /// 404: no coupon with this code at this issuer.
    pub const COUPON_UNKNOWN: &str = "coupon_unknown";
    /// 403: the coupon belongs to another merchant.
    pub const COUPON_OTHER_MERCHANT: &str = "coupon_other_merchant";
    /// 409: the coupon was already redeemed.
    pub const COUPON_ALREADY_USED: &str = "coupon_already_used";
    /// 410: the coupon's validity has ended.
    pub const COUPON_EXPIRED: &str = "coupon_expired";
    /// 422: the coupon is not valid yet.
    pub const COUPON_NOT_YET_VALID: &str = "coupon_not_yet_valid";
    /// 409: this request id was used before for a different request.
    pub const REQUEST_ID_REUSED: &str = "request_id_reused";
    /// 409: an adjustment would take the balance below zero.
    pub const INSUFFICIENT_POINTS: &str = "insufficient_points";
    /// 409: the merchant has no points program.
    pub const POINTS_NOT_ENABLED: &str = "points_not_enabled";
    /// 409: an adjustment would take the active stamp card below zero stamps.
    pub const INSUFFICIENT_STAMPS: &str = "insufficient_stamps";
    /// 409: the merchant has no stamp card.
    pub const STAMPS_NOT_ENABLED: &str = "stamps_not_enabled";
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn adjustments_at_the_edge_of_an_i64_are_refused() {
        for (points, stamps) in [(i64::MIN, 0), (i64::MAX, 0), (0, i64::MIN), (0, i64::MAX)] {
            let adjust = AdjustRequest {
                membership_id: MembershipId::parse("7K3D9QX2M4PA").unwrap(),
                delta_points: points,
                delta_stamps: stamps,
                reason: "adjustment".into(),
                note: None,
                request_id: None,
            };
            assert!(adjust.adjustment().is_err(), "{points} {stamps}");
        }
    }

    #[test]
    fn request_ids() {
        assert!(is_valid_request_id("till-3-000123"));
        assert!(is_valid_request_id(&"a".repeat(128)));
        assert!(!is_valid_request_id(""));
        assert!(!is_valid_request_id("a b"));
        assert!(!is_valid_request_id("收銀"));
        assert!(!is_valid_request_id(&"a".repeat(129)));
    }

    #[test]
    fn bodies() {
        let purchase: PurchaseRequest =
            serde_json::from_value(json!({"payload": "MW1:7K3D9QX2M4PA:492039", "amount": 180}))
                .unwrap();
        assert_eq!(purchase.request_id, None);
        let adjust: AdjustRequest = serde_json::from_value(json!({
            "membership_id": "7K3D9QX2M4PA", "delta_points": -50, "reason": "adjustment", "request_id": "r1"
        }))
        .unwrap();
        assert_eq!(adjust.note, None);
        assert_eq!(adjust.adjustment(), Ok(Adjustment::Points(-50)));
        let adjust_with = |fields: serde_json::Value| {
            let mut body = json!({ "membership_id": "7K3D9QX2M4PA", "reason": "adjustment" });
            body.as_object_mut()
                .unwrap()
                .extend(fields.as_object().unwrap().clone());
            serde_json::from_value::<AdjustRequest>(body)
                .unwrap()
                .adjustment()
        };
        assert_eq!(
            adjust_with(json!({"delta_stamps": 9})),
            Ok(Adjustment::Stamps(9))
        );
        assert_eq!(
            adjust_with(json!({"delta_points": 0, "delta_stamps": -2})),
            Ok(Adjustment::Stamps(-2))
        );
        for refused in [
            json!({}),
            json!({"delta_points": 0}),
            json!({"delta_points": 5, "delta_stamps": 1}),
            json!({"delta_points": 1_000_001}),
            json!({"delta_stamps": 51}),
            json!({"delta_stamps": -51}),
        ] {
            assert!(adjust_with(refused.clone()).is_err(), "{refused}");
        }
        assert!(serde_json::from_value::<AdjustRequest>(json!({
            "membership_id": "nope", "delta_points": 1, "reason": "adjustment"
        }))
        .is_err());
        assert!(
            serde_json::from_value::<PurchaseRequest>(json!({"payload": "x", "amount": 1.5}))
                .is_err()
        );
    }
}
