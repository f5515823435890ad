//! Tiers: the member's tier at a merchant from their spend over the last 365 days, recomputed at
//! every purchase, and the `tier` entity (id: the merchant id).

use super::rules::MerchantRules;
use crate::store::entities::{to_data, Audience, EntityBatch};
use crate::store::StoreError;
use sqlx::AnyConnection;
use wallet_core::loyalty::TierData;
use wallet_core::loyalty_rules::{tier_index, ROLLING_SPEND_DAYS, SECS_PER_DAY};
use wallet_core::sync::EntityKind;

/// The member's tier as it stands.
#[derive(Clone, Debug)]
pub struct Standing {
    pub rank: i64,
    pub since: i64,
    pub spend_12m: i64,
}

/// The spend (NT$) of the membership's purchases in the 365 days up to `now`.
pub async fn rolling_spend(
    conn: &mut AnyConnection,
    membership_id: &str,
    now: i64,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM purchases \
         WHERE membership_id = $1 AND created_at > $2",
    )
    .bind(membership_id)
    .bind(now - ROLLING_SPEND_DAYS * SECS_PER_DAY)
    .fetch_one(conn)
    .await
    .map_err(StoreError::from)
}

/// Recomputes the tier from the rolling spend, stores a change of tier, and queues the entity.
/// `None` when the merchant has no tiers.
pub async fn recompute(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    membership_id: &str,
    current: &Standing,
    now: i64,
) -> Result<Option<Standing>, StoreError> {
    if rules.tiers.is_empty() {
        return Ok(None);
    }
    let spend_12m = rolling_spend(conn, membership_id, now).await?;
    let thresholds: Vec<i64> = rules.tiers.iter().map(|t| t.min_spend).collect();
    let rank = i64::from(rules.tiers[tier_index(&thresholds, spend_12m)].rank);
    let standing = if rank == current.rank {
        Standing {
            spend_12m,
            ..current.clone()
        }
    } else {
        sqlx::query("UPDATE memberships SET tier_rank = $1, tier_since = $2 WHERE id = $3")
            .bind(rank)
            .bind(now)
            .bind(membership_id)
            .execute(&mut *conn)
            .await?;
        Standing {
            rank,
            since: now,
            spend_12m,
        }
    };
    write(batch, rules, membership_id, &standing, now)?;
    Ok(Some(standing))
}

/// Queues the `tier` entity for this standing (nothing when the merchant has no tiers).
pub fn write(
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    membership_id: &str,
    standing: &Standing,
    now: i64,
) -> Result<(), StoreError> {
    let Some(data) = data(rules, standing, now) else {
        return Ok(());
    };
    batch.put(
        Audience::Membership(membership_id.to_owned()),
        EntityKind::Tier,
        rules.merchant.id.clone(),
        to_data(&data)?,
    );
    Ok(())
}

pub fn data(rules: &MerchantRules, standing: &Standing, now: i64) -> Option<TierData> {
    let level = rules
        .tiers
        .iter()
        .find(|t| i64::from(t.rank) == standing.rank)
        .or_else(|| rules.tiers.first())?;
    Some(TierData {
        merchant_id: rules.merchant.id.clone(),
        tier_id: level.tier_id.clone(),
        rank: level.rank,
        name: level.name.clone(),
        benefits: level.benefits.clone(),
        points_multiplier_pct: level.points_multiplier_pct,
        spend_12m: standing.spend_12m,
        computed_at: now,
        since: standing.since,
        tiers: rules.tiers.clone(),
    })
}
