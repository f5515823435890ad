//! Staff adding or removing a member's points with a reason, or stamps on the member's card
//! ("補章"). Stamps added here land exactly as a purchase's do (steps issue their coupons, a full
//! card starts the next) but are not held back by the per-visit and per-day limits: those guard
//! the purchase, and staff are the authority here. They are not purchases either, so they do not
//! use up the member's stamps of the day.

use super::points::{self, Change};
use super::rules::MerchantRules;
use super::stamps::{self, Stamping};
use super::{housekeeping, member};
use crate::store::{StoreError, WriteTx};
use wallet_core::cashier::{AdjustStamps, Adjustment, IssuedCoupon};
use wallet_core::loyalty::LedgerReason;
use wallet_core::LocalizedText;

/// What staff asked for.
pub struct AdjustmentRequest<'a> {
    pub merchant_id: &'a str,
    pub membership_id: &'a str,
    pub adjustment: Adjustment,
    pub reason: LedgerReason,
    pub note: Option<LocalizedText>,
}

/// What an adjustment did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Adjusted {
    Points {
        balance: i64,
        account_id: String,
        ledger_entry_id: String,
    },
    Stamps {
        /// The member's active card after.
        card: AdjustStamps,
        coupons_issued: Vec<IssuedCoupon>,
    },
}

/// Why an adjustment was refused; nothing of it was written that the caller must keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdjustRefusal {
    /// Not a member of this merchant.
    NotAMember,
    PointsNotEnabled,
    InsufficientPoints,
    StampsNotEnabled,
    /// More stamps either way than the card holds.
    TooManyStamps {
        stamps_required: u32,
    },
    InsufficientStamps,
}

/// Applies the adjustment in the caller's transaction (housekeeping first, so a removal cannot
/// take what has already expired). On a refusal the caller rolls back.
pub async fn apply(
    tx: &mut WriteTx<'_>,
    rules: &MerchantRules,
    request: AdjustmentRequest<'_>,
    now: i64,
) -> Result<Result<Adjusted, AdjustRefusal>, StoreError> {
    let Some(mut member) = member(tx, request.membership_id)
        .await?
        .filter(|m| m.merchant_id == request.merchant_id)
    else {
        return Ok(Err(AdjustRefusal::NotAMember));
    };
    match request.adjustment {
        Adjustment::Points(delta) => {
            let (Some(_), Some(account_id)) = (&rules.points, member.points_account_id.clone())
            else {
                return Ok(Err(AdjustRefusal::PointsNotEnabled));
            };
            housekeeping::run_in(tx, rules, &mut member, now).await?;
            let (conn, batch) = tx.split();
            let change = Change {
                account_id: &account_id,
                membership_id: Some(&member.id),
                reason: request.reason,
                // Bounded by `AdjustRequest::adjustment`, far from i64::MIN.
                points: delta.saturating_abs(),
                amount: None,
                note: request.note,
            };
            let entry = if delta > 0 {
                points::credit(conn, batch, rules, change, now).await?
            } else {
                match points::debit(conn, batch, rules, change, now).await? {
                    Some(entry) => entry,
                    None => return Ok(Err(AdjustRefusal::InsufficientPoints)),
                }
            };
            let balance = Some(entry.balance_after);
            points::write_balance(conn, batch, rules, &account_id, balance, now).await?;
            Ok(Ok(Adjusted::Points {
                balance: entry.balance_after,
                account_id,
                ledger_entry_id: entry.id,
            }))
        }
        Adjustment::Stamps(delta) => adjust_stamps(tx, rules, &mut member, delta, now).await,
    }
}

/// Stamps on the member's active card: added through the card logic of a purchase (without its
/// limits), or taken off the active card down to zero at most. Coupons already issued stay.
async fn adjust_stamps(
    tx: &mut WriteTx<'_>,
    rules: &MerchantRules,
    member: &mut super::MemberRow,
    delta: i64,
    now: i64,
) -> Result<Result<Adjusted, AdjustRefusal>, StoreError> {
    let Some(program) = &rules.stamps else {
        return Ok(Err(AdjustRefusal::StampsNotEnabled));
    };
    let stamps_required = program.stamps_required;
    let Some(count) = u32::try_from(delta.unsigned_abs())
        .ok()
        .filter(|n| *n <= stamps_required)
    else {
        return Ok(Err(AdjustRefusal::TooManyStamps { stamps_required }));
    };
    // An expired card goes first: stamps land on (or come off) the card the member sees.
    housekeeping::run_in(tx, rules, member, now).await?;
    let (conn, batch) = tx.split();
    if delta > 0 {
        let stamping = Stamping {
            membership_id: &member.id,
            current: None,
            granted: count,
        };
        let stamped = stamps::add_stamps(conn, batch, rules, program, stamping, now).await?;
        let card = AdjustStamps {
            cards_completed: stamped.cards_completed,
            card_id: stamped.card.id.clone(),
            stamps: stamped.card.data(rules, program).stamps,
            stamps_required,
        };
        Ok(Ok(Adjusted::Stamps {
            card,
            coupons_issued: stamped.coupons,
        }))
    } else {
        let Some(card) =
            stamps::remove_stamps(conn, batch, rules, program, &member.id, count, now).await?
        else {
            return Ok(Err(AdjustRefusal::InsufficientStamps));
        };
        let card = AdjustStamps {
            cards_completed: 0,
            card_id: card.id.clone(),
            stamps: card.data(rules, program).stamps,
            stamps_required,
        };
        Ok(Ok(Adjusted::Stamps {
            card,
            coupons_issued: Vec::new(),
        }))
    }
}
