//! Referrals (protocol.md §16): every membership has a referral code and a `referral` entity; a
//! new member who joins with a code rewards both sides per the merchant's `ReferralRule`, once
//! (the new membership's `referral_state` moves to `rewarded` in one conditional write), at the
//! join or at the new member's first purchase. Never for referring oneself: the wallet sends the
//! tokens it holds at this issuer (`link_tokens`), and the referrer's among them is refused; one of
//! the same merchant among them is a re-join, which is not counted.

use super::gifts::{self, Gift};
use super::referral_rule::{ReferralRule, Side};
use super::rules::MerchantRules;
use super::stamps::{self, Stamping};
use super::{member, MemberRow};
use crate::store::entities::{to_data, Audience, EntityBatch};
use crate::store::secrets::{random_bytes, sha256_hex};
use crate::store::StoreError;
use sqlx::{AnyConnection, FromRow};
use wallet_core::loyalty::{CouponSource, LedgerReason, MAX_LINK_TOKENS};
use wallet_core::referral::{ReferralCode, ReferralData, ReferralStatus};
use wallet_core::sync::EntityKind;
use wallet_core::LocalizedText;

/// The ledger reason and coupon source of referral gifts. Not (yet) named variants in core: the
/// wallet shows them as "other" until it knows them.
const REASON: &str = "referral";

/// A referral code that counts (or not) for the membership being made.
#[derive(Clone, Debug)]
pub struct Referral {
    pub referrer_id: String,
    pub status: ReferralStatus,
}

/// Why enroll refuses the referral code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferralRefusal {
    /// No membership of this merchant has it (or it is not a referral code).
    Unknown,
    /// It is the code of a membership whose token the joining wallet holds.
    SelfReferral,
}

#[derive(FromRow)]
struct ReferrerRow {
    id: String,
    token_hash: String,
    line_user_id: Option<String>,
}

/// Reads the enroll request's referral code before the join: whose it is and whether it counts.
pub async fn check(
    conn: &mut AnyConnection,
    rules: &MerchantRules,
    code: &str,
    link_tokens: &[String],
    line_user_id: Option<&str>,
) -> Result<Result<Referral, ReferralRefusal>, StoreError> {
    let Some(code) = ReferralCode::parse(code) else {
        return Ok(Err(ReferralRefusal::Unknown));
    };
    let referrer: Option<ReferrerRow> = sqlx::query_as(
        "SELECT id, token_hash, line_user_id FROM memberships \
         WHERE referral_code = $1 AND merchant_id = $2",
    )
    .bind(code.as_str())
    .bind(&rules.merchant.id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(referrer) = referrer else {
        return Ok(Err(ReferralRefusal::Unknown));
    };
    // A verified LINE user is the same person on any phone.
    if line_user_id.is_some() && line_user_id == referrer.line_user_id.as_deref() {
        return Ok(Err(ReferralRefusal::SelfReferral));
    }
    let mut already_member = match line_user_id {
        Some(line_user_id) => {
            let members: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM memberships WHERE merchant_id = $1 AND line_user_id = $2",
            )
            .bind(&rules.merchant.id)
            .bind(line_user_id)
            .fetch_one(&mut *conn)
            .await?;
            members > 0
        }
        None => false,
    };
    for token in link_tokens.iter().take(MAX_LINK_TOKENS) {
        let hash = sha256_hex(token);
        if hash == referrer.token_hash {
            return Ok(Err(ReferralRefusal::SelfReferral));
        }
        let merchant: Option<String> =
            sqlx::query_scalar("SELECT merchant_id FROM memberships WHERE token_hash = $1")
                .bind(&hash)
                .fetch_optional(&mut *conn)
                .await?;
        already_member |= merchant.as_deref() == Some(rules.merchant.id.as_str());
    }
    let status = match &rules.referral {
        _ if already_member => ReferralStatus::NotCounted,
        None => ReferralStatus::NotCounted,
        Some(rule) if at_limit(conn, rule, &referrer.id).await? => ReferralStatus::NotCounted,
        Some(rule) if rule.on_first_purchase => ReferralStatus::OnFirstPurchase,
        Some(_) => ReferralStatus::Rewarded,
    };
    Ok(Ok(Referral {
        referrer_id: referrer.id,
        status,
    }))
}

async fn at_limit(
    conn: &mut AnyConnection,
    rule: &ReferralRule,
    referrer_id: &str,
) -> Result<bool, StoreError> {
    let Some(max) = rule.max_rewarded else {
        return Ok(false);
    };
    let counted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE referred_by = $1 \
         AND referral_state IN ('pending', 'rewarded')",
    )
    .bind(referrer_id)
    .fetch_one(conn)
    .await?;
    Ok(counted >= max)
}

/// Gives a new membership its referral code and `referral` entity. 50 random bits: a clash is
/// left to the unique index (the enroll fails and is retried by the customer), as unlikely as it is.
pub async fn open(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    membership_id: &str,
) -> Result<(), StoreError> {
    let code = ReferralCode::from_random(u64::from_le_bytes(random_bytes::<8>()?) >> 14);
    sqlx::query("UPDATE memberships SET referral_code = $1 WHERE id = $2")
        .bind(code.as_str())
        .bind(membership_id)
        .execute(&mut *conn)
        .await?;
    write_entity(conn, batch, rules, membership_id).await
}

/// Records the referral of a new membership and, if it counts now, rewards both sides.
pub async fn record(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    new_member_id: &str,
    referral: &Referral,
    now: i64,
) -> Result<(), StoreError> {
    let state = match referral.status {
        ReferralStatus::Rewarded => "rewarded",
        ReferralStatus::OnFirstPurchase => "pending",
        ReferralStatus::NotCounted => "not_counted",
    };
    sqlx::query("UPDATE memberships SET referred_by = $1, referral_state = $2 WHERE id = $3")
        .bind(&referral.referrer_id)
        .bind(state)
        .bind(new_member_id)
        .execute(&mut *conn)
        .await?;
    match (&rules.referral, referral.status) {
        (Some(rule), ReferralStatus::Rewarded) => {
            reward(
                conn,
                batch,
                rules,
                rule,
                &referral.referrer_id,
                new_member_id,
                now,
            )
            .await
        }
        // The referrer's pending count changed.
        _ => write_entity(conn, batch, rules, &referral.referrer_id).await,
    }
}

/// At a purchase: a referral waiting for this member's first purchase rewards both sides now.
/// The conditional write makes it once, whatever purchases race.
pub async fn on_purchase(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    member: &mut MemberRow,
    now: i64,
) -> Result<(), StoreError> {
    if member.referral_state.as_deref() != Some("pending") {
        return Ok(());
    }
    // The gifts read what the purchase wrote (its stamp card, its points).
    batch.run_deferred(conn).await?;
    let state = if rules.referral.is_some() {
        "rewarded"
    } else {
        // The program ended before the first purchase.
        "not_counted"
    };
    let referrer: Option<Option<String>> = sqlx::query_scalar(
        "UPDATE memberships SET referral_state = $1 WHERE id = $2 AND referral_state = 'pending' \
         RETURNING referred_by",
    )
    .bind(state)
    .bind(&member.id)
    .fetch_optional(&mut *conn)
    .await?;
    member.referral_state = Some(state.to_owned());
    match (referrer.flatten(), &rules.referral) {
        (Some(referrer_id), Some(rule)) => {
            reward(conn, batch, rules, rule, &referrer_id, &member.id, now).await
        }
        (Some(referrer_id), None) => write_entity(conn, batch, rules, &referrer_id).await,
        (None, _) => Ok(()),
    }
}

/// Both sides' gifts, the referrer's tally and its `referral` entity.
async fn reward(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    rule: &ReferralRule,
    referrer_id: &str,
    friend_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    let missing = || StoreError::corrupt("a referral names a membership that is missing");
    let friend = member(conn, friend_id).await?.ok_or_else(missing)?;
    give(conn, batch, rules, &friend, &rule.friend, now).await?;
    let referrer = member(conn, referrer_id).await?.ok_or_else(missing)?;
    let (points, stamps, coupons) =
        give(conn, batch, rules, &referrer, &rule.referrer, now).await?;
    sqlx::query(
        "UPDATE memberships SET referral_points_earned = referral_points_earned + $1, \
         referral_stamps_earned = referral_stamps_earned + $2, \
         referral_coupons_earned = referral_coupons_earned + $3 WHERE id = $4",
    )
    .bind(points)
    .bind(stamps)
    .bind(coupons)
    .bind(referrer_id)
    .execute(&mut *conn)
    .await?;
    write_entity(conn, batch, rules, referrer_id).await
}

/// One side's gift; what was given: points, stamps, coupons.
async fn give(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    member: &MemberRow,
    side: &Side,
    now: i64,
) -> Result<(i64, i64, i64), StoreError> {
    let note = LocalizedText::new("推薦好友", "Friend referral");
    let gift = Gift {
        coupon: side.coupon.as_ref(),
        source: CouponSource::Other(REASON.into()),
        points: side.points,
        reason: LedgerReason::Other(REASON.into()),
        note: &note,
    };
    let given = gifts::give(conn, batch, rules, member, gift, now).await?;
    let mut stamps_given = 0;
    if let (Some(program), true) = (&rules.stamps, side.stamps > 0) {
        let stamping = Stamping {
            membership_id: &member.id,
            current: None,
            granted: side.stamps,
        };
        stamps::add_stamps(conn, batch, rules, program, stamping, now).await?;
        stamps_given = i64::from(side.stamps);
    }
    Ok((
        given.points,
        stamps_given,
        i64::from(given.coupon_code.is_some()),
    ))
}

#[derive(FromRow)]
struct EntityRow {
    referral_code: Option<String>,
    referral_points_earned: i64,
    referral_stamps_earned: i64,
    referral_coupons_earned: i64,
    joined: i64,
    pending: i64,
}

/// The membership's `referral` entity as it is now (none before it has a code).
pub async fn write_entity(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    membership_id: &str,
) -> Result<(), StoreError> {
    let row: Option<EntityRow> = sqlx::query_as(
        "SELECT m.referral_code, m.referral_points_earned, m.referral_stamps_earned, \
         m.referral_coupons_earned, \
         (SELECT COUNT(*) FROM memberships f WHERE f.referred_by = m.id \
            AND f.referral_state = 'rewarded') AS joined, \
         (SELECT COUNT(*) FROM memberships f WHERE f.referred_by = m.id \
            AND f.referral_state = 'pending') AS pending \
         FROM memberships m WHERE m.id = $1",
    )
    .bind(membership_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(());
    };
    let Some(code) = row.referral_code.as_deref().and_then(ReferralCode::parse) else {
        return Ok(());
    };
    let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    let rule = rules.referral.as_ref();
    let data = ReferralData {
        merchant_id: rules.merchant.id.clone(),
        code,
        join_code: rules.merchant.join_code.clone(),
        active: rule.is_some(),
        referrer_gift: rule.map(|r| r.referrer.shown()).unwrap_or_default(),
        friend_gift: rule.map(|r| r.friend.shown()).unwrap_or_default(),
        on_first_purchase: rule.is_some_and(|r| r.on_first_purchase),
        friends_joined: count(row.joined),
        friends_pending: count(row.pending),
        earned_points: row.referral_points_earned,
        earned_stamps: row.referral_stamps_earned,
        earned_coupons: row.referral_coupons_earned,
    };
    batch.put(
        Audience::Membership(membership_id.to_owned()),
        EntityKind::Referral,
        membership_id,
        to_data(&data)?,
    );
    Ok(())
}

/// Memberships made before referrals existed get their code and entity (run at start).
pub async fn prepare_existing(
    store: &crate::store::Store,
    rules_cache: &super::rules::RulesCache,
) -> Result<(), StoreError> {
    let waiting: Vec<(String, String)> =
        sqlx::query_as("SELECT id, merchant_id FROM memberships WHERE referral_code IS NULL")
            .fetch_all(&store.pool)
            .await?;
    for (membership_id, merchant_id) in waiting {
        let mut conn = store.read().await?;
        let Some(rules) = rules_cache.get(&mut conn, &merchant_id).await? else {
            continue;
        };
        let mut tx = store.write_after(conn).await?;
        let (conn, batch) = tx.split();
        open(conn, batch, &rules, &membership_id).await?;
        tx.commit().await?;
    }
    Ok(())
}
