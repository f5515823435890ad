//! The demo's claim codes (protocol.md §15): fixed, so a person (and the browser tests) can claim
//! one at once after `--demo`. Each is claimed once; a fresh database brings them back.

use sqlx::AnyPool;

use crate::store::StoreError;

/// 2030-01-01: far enough for a demo.
const EXPIRES_AT: i64 = 1_893_456_000;

pub struct DemoClaim {
    pub code: &'static str,
    pub merchant_id: &'static str,
    /// `stamps` or `ticket`.
    pub gift: &'static str,
    pub stamps: i64,
    pub campaign_id: Option<&'static str>,
    pub title: (&'static str, &'static str),
}

pub const CLAIMS: [DemoClaim; 4] = [
    DemoClaim {
        code: "CAFE2STAMP01",
        merchant_id: "morning-cafe",
        gift: "stamps",
        stamps: 2,
        campaign_id: None,
        title: ("外帶袋加碼兩點", "Two bonus stamps from your bag"),
    },
    DemoClaim {
        code: "CAFE2STAMP02",
        merchant_id: "morning-cafe",
        gift: "stamps",
        stamps: 2,
        campaign_id: None,
        title: ("外帶袋加碼兩點", "Two bonus stamps from your bag"),
    },
    DemoClaim {
        code: "CAFE2STAMP03",
        merchant_id: "morning-cafe",
        gift: "stamps",
        stamps: 2,
        campaign_id: None,
        title: ("外帶袋加碼兩點", "Two bonus stamps from your bag"),
    },
    DemoClaim {
        code: "YAKSCRATCH01",
        merchant_id: "alley-yakiniku",
        gift: "ticket",
        stamps: 0,
        campaign_id: Some(super::games::SCRATCH),
        title: ("桌卡刮刮樂", "A scratch card from the table"),
    },
];

pub async fn seed(db: &AnyPool) -> Result<(), StoreError> {
    for claim in &CLAIMS {
        sqlx::query(
            "INSERT INTO claim_codes (code, merchant_id, gift, stamps, campaign_id, title_zh, \
             title_en, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8) \
             ON CONFLICT DO NOTHING",
        )
        .bind(claim.code)
        .bind(claim.merchant_id)
        .bind(claim.gift)
        .bind(claim.stamps)
        .bind(claim.campaign_id)
        .bind(claim.title.0)
        .bind(claim.title.1)
        .bind(EXPIRES_AT)
        .execute(db)
        .await?;
    }
    Ok(())
}
