//! The demo's games (part of the `--demo` seed): the yakiniku place spins a prize wheel after a
//! visit of NT$500 or more and hands out a scratch card from NT$1,000. Seeding adds only what is
//! missing.

use super::loyalty::insert_template;
use crate::store::StoreError;
use sqlx::AnyPool;

pub const WHEEL: &str = "yakiniku-wheel";
pub const SCRATCH: &str = "yakiniku-scratch";

/// A text in Traditional Chinese and English.
type Texts = (&'static str, &'static str);

/// The prize coupons (id, title, terms, valid days).
const TEMPLATES: [(&str, Texts, Texts, i64); 3] = [
    (
        "yakiniku-game-dessert",
        ("甜點一份", "A dessert on us"),
        (
            "轉盤或刮刮樂獎品：任選甜點一份。",
            "A prize of the wheel or a scratch card: any dessert.",
        ),
        30,
    ),
    (
        "yakiniku-game-beer",
        ("生啤酒一杯", "A draft beer"),
        (
            "轉盤獎品。未滿 18 歲可換無酒精飲品。",
            "A wheel prize. Under 18? A soft drink instead.",
        ),
        30,
    ),
    (
        "yakiniku-game-platter",
        ("和牛拼盤", "A wagyu platter"),
        (
            "刮刮樂頭獎：和牛拼盤一份，限內用。",
            "The scratch card's top prize: a wagyu platter, dine in.",
        ),
        60,
    ),
];

/// (slot, label, weight, stock, coupon template, points).
type Prize = (
    &'static str,
    Texts,
    i64,
    Option<i64>,
    Option<&'static str>,
    i64,
);

struct Campaign {
    id: &'static str,
    game: &'static str,
    title: Texts,
    min_amount: i64,
    /// The first is "thanks for playing".
    prizes: &'static [Prize],
}

const CAMPAIGNS: [Campaign; 2] = [
    Campaign {
        id: WHEEL,
        game: "wheel",
        title: ("燒肉幸運轉盤", "Yakiniku lucky wheel"),
        min_amount: 500,
        prizes: &[
            (
                "thanks",
                ("謝謝參加", "Thanks for playing"),
                45,
                None,
                None,
                0,
            ),
            ("points_30", ("30 點", "30 points"), 30, None, None, 30),
            (
                "beer",
                ("生啤酒一杯", "A draft beer"),
                15,
                Some(200),
                Some("yakiniku-game-beer"),
                0,
            ),
            (
                "dessert",
                ("甜點一份", "A dessert"),
                10,
                Some(100),
                Some("yakiniku-game-dessert"),
                0,
            ),
        ],
    },
    Campaign {
        id: SCRATCH,
        game: "scratch",
        title: ("和牛刮刮樂", "Wagyu scratch card"),
        min_amount: 1000,
        prizes: &[
            (
                "thanks",
                ("謝謝參加", "Thanks for playing"),
                60,
                None,
                None,
                0,
            ),
            ("points_100", ("100 點", "100 points"), 30, None, None, 100),
            (
                "dessert",
                ("甜點一份", "A dessert"),
                9,
                Some(100),
                Some("yakiniku-game-dessert"),
                0,
            ),
            (
                "platter",
                ("和牛拼盤", "A wagyu platter"),
                1,
                Some(5),
                Some("yakiniku-game-platter"),
                0,
            ),
        ],
    },
];

pub async fn seed(db: &AnyPool) -> Result<(), StoreError> {
    for (id, title, terms, valid_days) in TEMPLATES {
        insert_template(db, "alley-yakiniku", id, title, terms, valid_days).await?;
    }
    for campaign in &CAMPAIGNS {
        sqlx::query(
            "INSERT INTO campaigns (id, merchant_id, game, title_zh, title_en, no_win_slot, \
             plays_per_day, tickets_per_purchase, min_amount, tickets_per_survey, active) \
             VALUES ($1, 'alley-yakiniku', $2, $3, $4, 'thanks', 3, 1, $5, 0, 1) \
             ON CONFLICT DO NOTHING",
        )
        .bind(campaign.id)
        .bind(campaign.game)
        .bind(campaign.title.0)
        .bind(campaign.title.1)
        .bind(campaign.min_amount)
        .execute(db)
        .await?;
        for (order, (slot, label, weight, stock, template, points)) in
            campaign.prizes.iter().enumerate()
        {
            sqlx::query(
                "INSERT INTO campaign_prizes (campaign_id, slot_id, sort_order, label_zh, \
                 label_en, weight, stock, coupon_template_id, points) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
            )
            .bind(campaign.id)
            .bind(*slot)
            .bind(order as i64)
            .bind(label.0)
            .bind(label.1)
            .bind(*weight)
            .bind(*stock)
            .bind(*template)
            .bind(*points)
            .execute(db)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wallet_core::fair_draw::{PrizeSlot, PrizeTable};
    use wallet_core::LocalizedText;

    #[test]
    fn the_demo_prize_tables_are_valid_and_start_with_thanks_for_playing() {
        for campaign in &CAMPAIGNS {
            let slots = campaign
                .prizes
                .iter()
                .map(|p| PrizeSlot {
                    id: p.0.into(),
                    weight: p.2 as u32,
                })
                .collect();
            PrizeTable::new(slots, "thanks").unwrap();
            for p in campaign.prizes {
                assert!(LocalizedText::new(p.1 .0, p.1 .1).is_valid(), "{}", p.0);
            }
        }
    }
}
