//! Loyalty data for the tests of this module, from the wire format (shorter than the structs).

use crate::loyalty::{CouponData, PointsBalanceData, RewardData, StampCardData};
use serde_json::{json, Value};

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a fixture in the wire format")
}

fn text(en: &str) -> Value {
    json!({"zh-TW": en, "en": en})
}

pub fn card(program_id: &str, stamps: u32, required: u32) -> StampCardData {
    parse(json!({
        "merchant_id": "morning-cafe", "program_id": program_id, "title": text("Coffee card"),
        "stamps": stamps, "stamps_required": required, "state": "active",
        "rewards": [{"at": required, "title": text("Any drink"), "issues_coupon": false}],
        "stamp_color": "#c8873a", "stamp_mark": "晨",
        "rule": {"min_amount": 100, "amount_per_stamp": 0, "max_per_visit": 1, "max_per_day": 2,
                 "expiry_days": null, "expiry_from": "last_stamp"},
        "serial": 1, "started_at": 1_767_225_600, "first_stamp_at": null, "last_stamp_at": null,
        "expires_at": null, "completed_at": null
    }))
}

fn reward(cost: Value) -> RewardData {
    parse(json!({
        "merchant_id": "morning-cafe", "title": text("Latte"), "description": text("A latte"),
        "cost": cost, "in_stock": true, "limited_stock": false, "coupon_valid_days": 30, "sort": 1
    }))
}

pub fn points_reward(points: i64) -> RewardData {
    reward(json!({"type": "points", "points": points}))
}

pub fn card_reward(program_id: &str) -> RewardData {
    reward(json!({"type": "stamp_card", "program_id": program_id}))
}

pub fn coupon(title: &str, valid_until: i64) -> CouponData {
    parse(json!({
        "merchant_id": "morning-cafe", "code": "Q8M2T4K9XH3A", "title": text(title),
        "terms": text("One per visit"), "valid_from": valid_until - 90 * 86_400,
        "valid_until": valid_until, "state": "active", "source": "reward", "reward_id": null,
        "issued_at": valid_until - 90 * 86_400, "used_at": null
    }))
}

/// A balance of the sum of `expiring`, which expire at those times.
pub fn points(expiring: &[(i64, i64)]) -> PointsBalanceData {
    let balance: i64 = expiring.iter().map(|(points, _)| points).sum();
    let expiring: Vec<Value> = expiring
        .iter()
        .map(|(points, at)| json!({"points": points, "expires_at": at}))
        .collect();
    parse(json!({
        "balance": balance, "group": null, "merchants": [], "expiring": expiring,
        "updated_at": 1_767_225_600
    }))
}

// For the export file's tests (feature `export`).
#[cfg(feature = "export")]
pub const MEMBERSHIP_A: &str = "7K3D9QX2M4PA";
#[cfg(feature = "export")]
pub const MEMBERSHIP_B: &str = "P6G4MMDMK5DH";

/// A membership as the wallet stores it (`records::StoredMembership`).
#[cfg(feature = "export")]
pub fn stored_membership_json(id: &str) -> Value {
    json!({
        "id": id, "issuer": "https://wallet.example.tw", "join_code": "CAFE", "token": "tok-1",
        "totp": {"secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "algorithm": "SHA1", "digits": 6, "period": 30},
        "merchant": {"id": "morning-cafe", "name": text("Morning Café"), "tagline": text("Coffee"),
                     "brand_color": "#c8873a", "mark": "晨"},
        "member_since": 1_767_225_600, "joined_at": 1_767_225_600_000.0
    })
}
