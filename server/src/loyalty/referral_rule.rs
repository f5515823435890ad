//! A merchant's referral rules as configured (table `referral_rules`): what the referrer and the
//! new member each get (points, stamps, a coupon), whether only at the new member's first
//! purchase, and how many friends a member is rewarded for at most. Part of `MerchantRules`.

use super::coupon_template::CouponTemplate;
use crate::store::StoreError;
use sqlx::{AnyConnection, FromRow};
use std::collections::HashMap;
use wallet_core::referral::ReferralGift;

#[derive(Clone, Debug, Default)]
pub struct Side {
    pub points: i64,
    pub stamps: u32,
    pub coupon: Option<CouponTemplate>,
}

impl Side {
    /// As the `referral` entity shows it.
    pub fn shown(&self) -> ReferralGift {
        ReferralGift {
            points: self.points,
            stamps: self.stamps,
            coupon_title: self.coupon.as_ref().map(|t| t.title.clone()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ReferralRule {
    pub referrer: Side,
    pub friend: Side,
    pub on_first_purchase: bool,
    pub max_rewarded: Option<i64>,
}

#[derive(FromRow)]
struct Row {
    referrer_points: i64,
    referrer_stamps: i64,
    referrer_coupon_template_id: Option<String>,
    friend_points: i64,
    friend_stamps: i64,
    friend_coupon_template_id: Option<String>,
    on_first_purchase: i64,
    max_rewarded: Option<i64>,
}

/// The merchant's active referral rule. Points without a points program and stamps without a
/// stamp card are dropped (they could not be given); amounts are clamped into range.
pub async fn load(
    conn: &mut AnyConnection,
    merchant_id: &str,
    templates: &HashMap<String, CouponTemplate>,
    has_points: bool,
    has_stamps: bool,
) -> Result<Option<ReferralRule>, StoreError> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT referrer_points, referrer_stamps, referrer_coupon_template_id, friend_points, \
         friend_stamps, friend_coupon_template_id, on_first_purchase, max_rewarded \
         FROM referral_rules WHERE merchant_id = $1 AND active = 1",
    )
    .bind(merchant_id)
    .fetch_optional(conn)
    .await?;
    let side = |points: i64, stamps: i64, template: Option<String>| Side {
        points: if has_points {
            points.clamp(0, 1_000_000)
        } else {
            0
        },
        stamps: if has_stamps {
            u32::try_from(stamps.clamp(0, 50)).unwrap_or(0)
        } else {
            0
        },
        coupon: template.and_then(|id| templates.get(&id).cloned()),
    };
    Ok(row.map(|row| ReferralRule {
        referrer: side(
            row.referrer_points,
            row.referrer_stamps,
            row.referrer_coupon_template_id,
        ),
        friend: side(
            row.friend_points,
            row.friend_stamps,
            row.friend_coupon_template_id,
        ),
        on_first_purchase: row.on_first_purchase != 0,
        max_rewarded: row.max_rewarded,
    }))
}
