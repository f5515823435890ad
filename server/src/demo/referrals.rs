//! The demo merchants' referral rules (protocol.md §16): the café gives stamps at the friend's
//! first purchase, the bookshop points at once, the yakiniku place a beer coupon to the referrer
//! and points to the friend at the friend's first purchase. At most 20 friends each.

use crate::store::StoreError;
use sqlx::AnyPool;

struct DemoRule {
    merchant_id: &'static str,
    referrer_points: i64,
    referrer_stamps: i64,
    referrer_coupon: Option<&'static str>,
    friend_points: i64,
    friend_stamps: i64,
    on_first_purchase: bool,
}

const RULES: [DemoRule; 3] = [
    DemoRule {
        merchant_id: "morning-cafe",
        referrer_points: 0,
        referrer_stamps: 2,
        referrer_coupon: None,
        friend_points: 0,
        friend_stamps: 1,
        on_first_purchase: true,
    },
    DemoRule {
        merchant_id: "qingtian-books",
        referrer_points: 100,
        referrer_stamps: 0,
        referrer_coupon: None,
        friend_points: 50,
        friend_stamps: 0,
        on_first_purchase: false,
    },
    DemoRule {
        merchant_id: "alley-yakiniku",
        referrer_points: 0,
        referrer_stamps: 0,
        referrer_coupon: Some("yakiniku-beer"),
        friend_points: 100,
        friend_stamps: 0,
        on_first_purchase: true,
    },
];

pub async fn seed(db: &AnyPool) -> Result<(), StoreError> {
    for rule in &RULES {
        sqlx::query(
            "INSERT INTO referral_rules (merchant_id, referrer_points, referrer_stamps, \
             referrer_coupon_template_id, friend_points, friend_stamps, on_first_purchase, \
             max_rewarded) VALUES ($1, $2, $3, $4, $5, $6, $7, 20) ON CONFLICT DO NOTHING",
        )
        .bind(rule.merchant_id)
        .bind(rule.referrer_points)
        .bind(rule.referrer_stamps)
        .bind(rule.referrer_coupon)
        .bind(rule.friend_points)
        .bind(rule.friend_stamps)
        .bind(i64::from(rule.on_first_purchase))
        .execute(db)
        .await?;
    }
    Ok(())
}
