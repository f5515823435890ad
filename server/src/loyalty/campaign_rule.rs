//! A merchant's game campaigns as configured (tables `campaigns`, `campaign_prizes`): the game,
//! its prize table and each prize's coupon or points, and when tickets are given. Part of
//! `MerchantRules`. Stock is not here: it is read and taken under the write lock at each draw.

use super::coupon_template::CouponTemplate;
use crate::store::StoreError;
use sqlx::{AnyConnection, FromRow};
use std::collections::HashMap;
use wallet_core::fair_draw::{PrizeSlot, PrizeTable};
use wallet_core::games::{GameKind, PrizeDisplay};
use wallet_core::LocalizedText;

#[derive(Clone, Debug)]
pub struct CampaignRule {
    pub id: String,
    pub game: GameKind,
    pub title: LocalizedText,
    pub table: PrizeTable,
    /// One per slot, in the table's order.
    pub prizes: Vec<PrizeDisplay>,
    /// What each slot gives, in the table's order (the no-win slot: nothing).
    pub gives: Vec<Gift>,
    pub plays_per_day: u32,
    pub tickets_per_purchase: u32,
    pub min_amount: i64,
    pub tickets_per_survey: u32,
}

#[derive(Clone, Debug, Default)]
pub struct Gift {
    pub coupon: Option<CouponTemplate>,
    pub points: i64,
}

#[derive(FromRow)]
struct CampaignRow {
    id: String,
    game: String,
    title_zh: String,
    title_en: String,
    no_win_slot: String,
    plays_per_day: i64,
    tickets_per_purchase: i64,
    min_amount: i64,
    tickets_per_survey: i64,
}

#[derive(FromRow)]
struct PrizeRow {
    slot_id: String,
    label_zh: String,
    label_en: String,
    weight: i64,
    coupon_template_id: Option<String>,
    points: i64,
}

/// The merchant's active campaigns, by id. One whose prize table is not valid is left out with a
/// warning (a typo must not stop the counter; a wallet would refuse its tickets anyway).
pub async fn load(
    conn: &mut AnyConnection,
    merchant_id: &str,
    templates: &HashMap<String, CouponTemplate>,
    has_points: bool,
) -> Result<Vec<CampaignRule>, StoreError> {
    let rows: Vec<CampaignRow> = sqlx::query_as(
        "SELECT id, game, title_zh, title_en, no_win_slot, plays_per_day, tickets_per_purchase, \
         min_amount, tickets_per_survey FROM campaigns WHERE merchant_id = $1 AND active = 1 \
         ORDER BY id",
    )
    .bind(merchant_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut campaigns = Vec::with_capacity(rows.len());
    for row in rows {
        let prizes: Vec<PrizeRow> = sqlx::query_as(
            "SELECT slot_id, label_zh, label_en, weight, coupon_template_id, points \
             FROM campaign_prizes WHERE campaign_id = $1 ORDER BY sort_order, slot_id",
        )
        .bind(&row.id)
        .fetch_all(&mut *conn)
        .await?;
        let slots = prizes
            .iter()
            .map(|p| PrizeSlot {
                id: p.slot_id.clone(),
                weight: u32::try_from(p.weight).unwrap_or(0),
            })
            .collect();
        let game = match row.game.as_str() {
            "scratch" => GameKind::Scratch,
            "wheel" => GameKind::Wheel,
            other => {
                tracing::warn!(
                    "campaign {}: unknown game {other:?}; campaign ignored",
                    row.id
                );
                continue;
            }
        };
        let table = match PrizeTable::new(slots, &row.no_win_slot) {
            Ok(table) => table,
            Err(error) => {
                tracing::warn!("campaign {}: {error}; campaign ignored", row.id);
                continue;
            }
        };
        let display = prizes
            .iter()
            .enumerate()
            .map(|(i, p)| PrizeDisplay {
                slot: p.slot_id.clone(),
                label: LocalizedText::new(p.label_zh.clone(), p.label_en.clone()),
                chance_ppm: table.chance_ppm(i),
            })
            .collect();
        let gives = prizes
            .iter()
            .map(|p| Gift {
                coupon: p
                    .coupon_template_id
                    .as_ref()
                    .and_then(|id| templates.get(id).cloned()),
                points: if has_points {
                    p.points.clamp(0, 100_000)
                } else {
                    0
                },
            })
            .collect();
        let count = |n: i64| u32::try_from(n.clamp(0, 10)).unwrap_or(0);
        campaigns.push(CampaignRule {
            id: row.id,
            game,
            title: LocalizedText::new(row.title_zh, row.title_en),
            table,
            prizes: display,
            gives,
            plays_per_day: u32::try_from(row.plays_per_day.clamp(1, 100)).unwrap_or(1),
            tickets_per_purchase: count(row.tickets_per_purchase),
            min_amount: row.min_amount.max(0),
            tickets_per_survey: count(row.tickets_per_survey),
        });
    }
    Ok(campaigns)
}
