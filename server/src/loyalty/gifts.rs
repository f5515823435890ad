//! What a survey's thanks, a service-recovery apology and a game's prize give: a coupon of a
//! template and points with their ledger entry and the new balance, in the caller's transaction.

use super::coupon_template::CouponTemplate;
use super::coupons::{self, NewCoupon};
use super::points::{self, Change};
use super::rules::MerchantRules;
use super::MemberRow;
use crate::store::entities::EntityBatch;
use crate::store::StoreError;
use sqlx::AnyConnection;
use wallet_core::loyalty::{CouponSource, LedgerReason};
use wallet_core::LocalizedText;

pub struct Gift<'a> {
    pub coupon: Option<&'a CouponTemplate>,
    pub source: CouponSource,
    /// Added only where the member has a points account; 0 for none.
    pub points: i64,
    pub reason: LedgerReason,
    /// The ledger entry's note: what the points were for.
    pub note: &'a LocalizedText,
}

/// What was given: the coupon's code, if any, and the points actually added.
pub struct Given {
    pub coupon_code: Option<String>,
    pub points: i64,
}

pub async fn give(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    member: &MemberRow,
    gift: Gift<'_>,
    now: i64,
) -> Result<Given, StoreError> {
    let mut coupon_code = None;
    if let Some(template) = gift.coupon {
        let new = NewCoupon {
            template,
            membership_id: &member.id,
            source: gift.source,
            reward_id: None,
            valid_until: None,
        };
        coupon_code = Some(
            coupons::issue(conn, batch, new, now)
                .await?
                .code
                .as_str()
                .to_owned(),
        );
    }
    let points = match &member.points_account_id {
        Some(account_id) if gift.points > 0 => {
            let change = Change {
                account_id,
                membership_id: Some(&member.id),
                reason: gift.reason,
                points: gift.points,
                amount: None,
                note: Some(gift.note.clone()),
            };
            let entry = points::credit(conn, batch, rules, change, now).await?;
            let balance = Some(entry.balance_after);
            points::write_balance(conn, batch, rules, account_id, balance, now).await?;
            gift.points
        }
        _ => 0,
    };
    Ok(Given {
        coupon_code,
        points,
    })
}
