//! The rewards catalogue: its `reward` entities, and the `reward.exchange` mutation that spends
//! points (or a completed stamp card) on a coupon.
//!
//! The exchange runs in the sync push's transaction. It takes the version counter's lock first,
//! then checks everything, and writes only when nothing refuses: a rejection changes nothing
//! (docs/protocol.md 9.8), and two exchanges racing for the last item cannot both win.

use super::coupons::{self, NewCoupon};
use super::points::{self, Change};
use super::rules::{self, MerchantRules};
use super::stamps;
use super::{rejected, MemberRow};
use crate::store::entities::{to_data, Audience, EntityBatch};
use crate::store::StoreError;
use sqlx::{AnyConnection, FromRow};
use wallet_core::loyalty::reward_exchange::rejection;
use wallet_core::loyalty::{CouponSource, LedgerReason, RewardCost, RewardData};
use wallet_core::sync::{EntityKind, MutationOutcome};
use wallet_core::LocalizedText;

#[derive(Clone, Debug, FromRow)]
pub struct RewardRow {
    pub id: String,
    pub merchant_id: String,
    pub title_zh: String,
    pub title_en: String,
    pub description_zh: String,
    pub description_en: String,
    pub cost_points: Option<i64>,
    pub cost_stamp_program_id: Option<String>,
    pub coupon_template_id: String,
    pub stock: Option<i64>,
    pub sort_order: i64,
    pub valid_days: i64,
}

const SELECT: &str = "SELECT r.id, r.merchant_id, r.title_zh, r.title_en, r.description_zh, \
    r.description_en, r.cost_points, r.cost_stamp_program_id, r.coupon_template_id, r.stock, \
    r.sort_order, t.valid_days FROM rewards r JOIN coupon_templates t ON t.id = r.coupon_template_id";

impl RewardRow {
    pub fn title(&self) -> LocalizedText {
        LocalizedText::new(&self.title_zh, &self.title_en)
    }

    pub fn cost(&self) -> RewardCost {
        match (&self.cost_points, &self.cost_stamp_program_id) {
            (Some(points), _) => RewardCost::Points { points: *points },
            (None, Some(program_id)) => RewardCost::StampCard {
                program_id: program_id.clone(),
            },
            (None, None) => RewardCost::Unknown,
        }
    }

    pub fn data(&self) -> RewardData {
        RewardData {
            merchant_id: self.merchant_id.clone(),
            title: self.title(),
            description: LocalizedText::new(&self.description_zh, &self.description_en),
            cost: self.cost(),
            in_stock: self.stock.is_none_or(|stock| stock > 0),
            limited_stock: self.stock.is_some(),
            coupon_valid_days: u32::try_from(self.valid_days.max(0)).unwrap_or(u32::MAX),
            sort: self.sort_order,
        }
    }
}

/// Queues the merchant's active rewards as entities of a (new) membership.
pub async fn write_catalogue(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    membership_id: &str,
    merchant_id: &str,
) -> Result<(), StoreError> {
    let rewards: Vec<RewardRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.merchant_id = $1 AND r.active = 1 ORDER BY r.sort_order, r.id"
    ))
    .bind(merchant_id)
    .fetch_all(&mut *conn)
    .await?;
    for reward in rewards {
        batch.put(
            Audience::Membership(membership_id.to_owned()),
            EntityKind::Reward,
            reward.id.clone(),
            to_data(&reward.data())?,
        );
    }
    Ok(())
}

/// `reward.exchange {"reward_id"}` for `member`, at `now`.
pub async fn exchange(
    conn: &mut AnyConnection,
    rules: &MerchantRules,
    member: &MemberRow,
    reward_id: &str,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    // The write transaction holds the version lock (`WriteTx`): every other writer of balances,
    // cards and stock waits, so what is checked below is still true when it is written.
    let reward: Option<RewardRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE r.id = $1 AND r.merchant_id = $2 AND r.active = 1"
    ))
    .bind(reward_id)
    .bind(&member.merchant_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(reward) = reward else {
        return Ok(rejected(
            rejection::REWARD_UNKNOWN,
            "this reward is not in this shop's catalogue (any more)",
        ));
    };
    if reward.stock.is_some_and(|stock| stock <= 0) {
        return Ok(rejected(
            rejection::OUT_OF_STOCK,
            "this reward is out of stock",
        ));
    }

    let mut batch = EntityBatch::new();
    let title = reward.title();
    match reward.cost() {
        RewardCost::Points { points } => {
            let Some(account_id) = &member.points_account_id else {
                return Ok(rejected(
                    rejection::INSUFFICIENT_POINTS,
                    format!("this reward costs {points} points and you have 0"),
                ));
            };
            let have = points::spendable(conn, account_id, now).await?;
            if have < points {
                return Ok(rejected(
                    rejection::INSUFFICIENT_POINTS,
                    format!("this reward costs {points} points and you have {have}"),
                ));
            }
            let change = Change {
                account_id,
                membership_id: Some(&member.id),
                reason: LedgerReason::RewardExchange,
                points,
                amount: None,
                note: Some(title.clone()),
            };
            let entry = points::debit(conn, &mut batch, rules, change, now)
                .await?
                .ok_or_else(|| StoreError::corrupt("the points checked were not there to spend"))?;
            let balance = Some(entry.balance_after);
            points::write_balance(conn, &mut batch, rules, account_id, balance, now).await?;
        }
        RewardCost::StampCard { program_id } => {
            let card = stamps::completed_card(conn, &member.id, &program_id).await?;
            let (Some(card), Some(program)) = (card, rules.stamps.as_ref()) else {
                return Ok(rejected(
                    rejection::CARD_NOT_COMPLETE,
                    "this reward needs a completed stamp card; keep collecting stamps",
                ));
            };
            if program.id != program_id {
                return Ok(rejected(
                    rejection::CARD_NOT_COMPLETE,
                    "this reward needs a completed card of a program that has ended",
                ));
            }
            stamps::mark_rewarded(conn, &mut batch, rules, program, card).await?;
        }
        RewardCost::Unknown => {
            return Ok(rejected(
                rejection::REWARD_UNKNOWN,
                "this reward cannot be exchanged here",
            ));
        }
    }

    if let Some(stock) = reward.stock {
        sqlx::query("UPDATE rewards SET stock = stock - 1 WHERE id = $1")
            .bind(&reward.id)
            .execute(&mut *conn)
            .await?;
        if stock <= 1 {
            // The last one: every member of the shop sees it is gone.
            let data = RewardRow {
                stock: Some(0),
                ..reward.clone()
            }
            .data();
            batch.put(
                Audience::Merchant(reward.merchant_id.clone()),
                EntityKind::Reward,
                reward.id.clone(),
                to_data(&data)?,
            );
        }
    }
    let template = rules::template(conn, &reward.coupon_template_id)
        .await?
        .ok_or_else(|| {
            StoreError::corrupt(format!("reward {} has no coupon template", reward.id))
        })?;
    let coupon = NewCoupon {
        template: &template,
        membership_id: &member.id,
        source: CouponSource::Reward,
        reward_id: Some(&reward.id),
        valid_until: None,
    };
    coupons::issue(conn, &mut batch, coupon, now).await?;
    batch.flush(conn).await?;
    Ok(MutationOutcome::Applied)
}
