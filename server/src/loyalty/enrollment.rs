//! What joining gives a membership: its row, its first entities, a points account (its own, or a
//! group brand's shared one) with the welcome points, an empty stamp card, the base tier and the
//! rewards catalogue.

use super::games;
use super::points::{self, Change};
use super::referrals::{self, Referral};
use super::rules::{MerchantRules, RulesCache};
use super::tiers::{self, Standing};
use super::{messages, rewards, stamps};
use crate::store::entities;
use crate::store::memberships::{self, NewMembership};
use crate::store::secrets::sha256_hex;
use crate::store::{Store, StoreError, WriteTx};
use sqlx::AnyConnection;
use wallet_core::loyalty::LedgerReason;
use wallet_core::sync::EntityKind;
use wallet_core::MerchantDisplay;

/// A group brand's membership the new one shares its points with.
#[derive(Clone, Debug)]
pub struct Link {
    pub account_id: String,
    pub sibling_membership_id: String,
}

/// Finds, among the tokens a wallet sent at enroll, a membership of a brand in the same group as
/// `rules.merchant` that has a points account. Tokens of other groups or unknown ones are
/// ignored (no error: the wallet sends every token it holds at this issuer).
pub async fn find_link(
    conn: &mut AnyConnection,
    rules: &MerchantRules,
    tokens: &[String],
) -> Result<Option<Link>, StoreError> {
    let Some(group) = &rules.merchant.group else {
        return Ok(None);
    };
    for token in tokens.iter().take(wallet_core::loyalty::MAX_LINK_TOKENS) {
        if token.is_empty() || token.len() > wallet_core::protocol::MAX_TOKEN_LEN {
            continue;
        }
        let found: Option<(String, String)> = sqlx::query_as(
            "SELECT m.id, m.points_account_id FROM memberships m \
             JOIN merchants mer ON mer.id = m.merchant_id \
             WHERE m.token_hash = $1 AND mer.group_id = $2 AND m.points_account_id IS NOT NULL",
        )
        .bind(sha256_hex(token))
        .bind(&group.id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((sibling_membership_id, account_id)) = found {
            return Ok(Some(Link {
                account_id,
                sibling_membership_id,
            }));
        }
    }
    Ok(None)
}

/// Gives a new membership (or one from before loyalty existed) its loyalty state and entities:
/// a points account (its own, or the linked group account) with the welcome points, an empty
/// stamp card, the base tier and the rewards catalogue.
pub async fn init_membership(
    tx: &mut WriteTx<'_>,
    rules: &MerchantRules,
    membership_id: &str,
    link: Option<&Link>,
    welcome: bool,
    now: i64,
) -> Result<(), StoreError> {
    let (conn, batch) = tx.split();
    let account_id = match link {
        Some(link) => {
            entities::copy_kinds(
                conn,
                &link.sibling_membership_id,
                membership_id,
                &[EntityKind::PointsBalance, EntityKind::LedgerEntry],
            )
            .await?;
            Some(link.account_id.clone())
        }
        None if rules.points.is_some() => Some(points::open_account(conn, rules, now).await?),
        None => None,
    };
    let base_rank = rules.tiers.first().map_or(0, |t| i64::from(t.rank));
    sqlx::query(
        "UPDATE memberships SET points_account_id = $1, tier_rank = $2, tier_since = $3, \
         loyalty_ready = 1 WHERE id = $4",
    )
    .bind(&account_id)
    .bind(base_rank)
    .bind(now)
    .bind(membership_id)
    .execute(&mut *conn)
    .await?;

    if let Some(account_id) = &account_id {
        let welcome_points = rules.points.map_or(0, |p| p.welcome_points);
        // Once per points account and brand, whatever the order of joins: a brand joined again
        // through a group link would otherwise add its welcome points to the shared balance again.
        if welcome
            && welcome_points > 0
            && !points::welcomed(conn, account_id, &rules.merchant.id).await?
        {
            let change = Change {
                account_id,
                membership_id: Some(membership_id),
                reason: LedgerReason::Welcome,
                points: welcome_points,
                amount: None,
                note: None,
            };
            points::credit(conn, batch, rules, change, now).await?;
        }
        points::write_balance(conn, batch, rules, account_id, None, now).await?;
    }
    if let Some(program) = &rules.stamps {
        stamps::start_card(conn, batch, rules, program, membership_id, 1, now).await?;
    }
    let standing = Standing {
        rank: base_rank,
        since: now,
        spend_12m: 0,
    };
    tiers::write(batch, rules, membership_id, &standing, now)?;
    rewards::write_catalogue(conn, batch, membership_id, &rules.merchant.id).await?;
    if welcome {
        messages::welcome(batch, rules, membership_id, now)?;
    }
    // A merchant with games commits to the member's first draw seed at once, so the wallet sets
    // its client seed at its first sync and every ticket is drawn when it is issued.
    if !rules.campaigns.is_empty() {
        games::ensure_seed(conn, batch, membership_id, now).await?;
    }
    Ok(())
}

/// A new membership as enroll makes it: its row, its `membership` and `merchant` entities and its
/// loyalty state, in the caller's transaction. `false`: the id is taken (the caller drops this
/// transaction, as PostgreSQL refuses more statements in it, and tries another id).
pub async fn join(
    tx: &mut WriteTx<'_>,
    rules: &MerchantRules,
    membership: &NewMembership<'_>,
    merchant: &MerchantDisplay,
    link: Option<&Link>,
    referral: Option<&Referral>,
) -> Result<bool, StoreError> {
    if !memberships::insert(tx, membership).await? {
        return Ok(false);
    }
    let now = membership.member_since;
    entities::create_for_new_membership(tx, membership.id, merchant, now).await?;
    init_membership(tx, rules, membership.id, link, true, now).await?;
    let (conn, batch) = tx.split();
    referrals::open(conn, batch, rules, membership.id).await?;
    if let Some(referral) = referral {
        referrals::record(conn, batch, rules, membership.id, referral, now).await?;
    }
    Ok(true)
}

/// Gives memberships made before loyalty existed their loyalty state (without welcome points:
/// they did not just join). Run at start, after the demo seed; safe to run every time.
pub async fn prepare_existing(
    store: &Store,
    rules_cache: &RulesCache,
    now: i64,
) -> Result<(), StoreError> {
    let waiting: Vec<(String, String)> =
        sqlx::query_as("SELECT id, merchant_id FROM memberships WHERE loyalty_ready = 0")
            .fetch_all(&store.pool)
            .await?;
    for (membership_id, merchant_id) in waiting {
        let mut conn = store.read().await?;
        let Some(rules) = rules_cache.get(&mut conn, &merchant_id).await? else {
            continue;
        };
        let mut tx = store.write_after(conn).await?;
        init_membership(&mut tx, &rules, &membership_id, None, false, now).await?;
        tx.commit().await?;
    }
    Ok(())
}
