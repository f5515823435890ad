//! The effects on a member's value: stamps, points, tiers, coupons and rewards, and what enroll,
//! a purchase, an adjustment, a mutation and housekeeping do with them.
//!
//! Everything here runs inside the caller's write transaction (`store::WriteTx`) at a time the
//! caller gives, and queues entity writes in the transaction's batch, which its commit stores:
//! the member's state and what wallets see change together. It never names the HTTP layer; a
//! refusal a till or a wallet should hear is a typed answer, a `StoreError` is the server's own
//! failure.

pub mod adjust;
pub mod campaign_end;
pub mod campaign_grant;
pub mod campaign_rule;
pub mod claims;
pub mod coupon_template;
pub mod coupons;
pub mod enrollment;
pub mod games;
pub mod gifts;
pub mod housekeeping;
pub mod leaving;
pub mod links;
pub mod messages;
pub mod mutations;
pub mod points;
pub mod poster;
pub mod purchase;
pub mod referral_rule;
pub mod referrals;
pub mod rewards;
pub mod rules;
pub mod stamps;
pub mod survey_results;
pub mod survey_rule;
pub mod surveys;
pub mod tiers;

use crate::store::StoreError;
use sqlx::{AnyConnection, FromRow};
use wallet_core::sync::MutationOutcome;

/// A membership's loyalty state as stored on its row.
#[derive(Clone, Debug, FromRow)]
pub struct MemberRow {
    pub id: String,
    pub merchant_id: String,
    pub points_account_id: Option<String>,
    pub birthday_month: Option<i64>,
    pub birthday_coupon_year: Option<i64>,
    pub birthday_set_at: Option<i64>,
    pub tier_rank: i64,
    pub tier_since: i64,
    pub loyalty_ready: i64,
    /// `pending` while a referral waits for this member's first purchase (`referrals`).
    pub referral_state: Option<String>,
}

pub const MEMBER_COLUMNS: &str = "id, merchant_id, points_account_id, birthday_month, \
    birthday_coupon_year, birthday_set_at, tier_rank, tier_since, loyalty_ready, \
    referral_state";

pub async fn member(
    conn: &mut AnyConnection,
    membership_id: &str,
) -> Result<Option<MemberRow>, StoreError> {
    let row = sqlx::query_as(&format!(
        "SELECT {MEMBER_COLUMNS} FROM memberships WHERE id = $1"
    ))
    .bind(membership_id)
    .fetch_optional(conn)
    .await?;
    Ok(row)
}

/// A mutation's final refusal with its code and the customer-facing reason.
pub(crate) fn rejected(code: &str, message: impl Into<String>) -> MutationOutcome {
    MutationOutcome::Rejected {
        code: code.to_owned(),
        message: message.into(),
    }
}
