//! What a purchase changes reaches the member's wallet (protocol sections 9.7 and 11.2): the next
//! sync brings the stamp card, the points balance and its ledger entry, the tier and any coupon,
//! each agreeing with the purchase's answer and with data a wallet accepts.

use super::cashier_requests::AMOUNT;
use super::{ensure, CheckResult, Problem};
use crate::context::Context;
use crate::till::accepted;
use serde::de::DeserializeOwned;
use wallet_core::cashier::PurchaseResponse;
use wallet_core::loyalty::{
    CouponData, LedgerEntryData, LedgerReason, PointsBalanceData, StampCardData, TierData,
};
use wallet_core::sync::{Change, EntityKind};

const CLIENT: &str = "conformance-purchase-sync";

fn entity<T: DeserializeOwned>(
    changes: &[Change],
    kind: EntityKind,
    id: &str,
) -> Result<T, Problem> {
    let change = changes
        .iter()
        .find(|c| c.kind == kind && c.id == id)
        .ok_or_else(|| Problem::Fail(format!("the sync after the purchase has no {kind} {id}")))?;
    let data = change
        .data
        .clone()
        .ok_or_else(|| Problem::Fail(format!("{kind} {id} arrived as a tombstone")))?;
    serde_json::from_value(data).map_err(|e| Problem::Fail(format!("{kind} {id}: {e}")))
}

pub fn purchase_arrives_by_sync(context: &Context) -> CheckResult {
    let till = context.till()?;
    let member = till.member()?;
    let cursor = context.pull_all(&member.member, CLIENT)?.cursor;
    let reply = till.purchase(&member.payload(0), AMOUNT, &till.request_id())?;
    let answer: PurchaseResponse = accepted(&reply, "a purchase")?;
    if answer.stamps.is_none() && answer.points.is_none() && answer.tier.is_none() {
        return Err(Problem::Skip(
            "the merchant has no stamp card, points or tiers: a purchase changes nothing a wallet shows".into(),
        ));
    }
    let page = context.sync(&member.member, CLIENT, Some(&cursor), &[])?;
    let changes = &page.changes;

    if let Some(stamps) = &answer.stamps {
        let card: StampCardData = entity(changes, EntityKind::StampCard, &stamps.card_id)?;
        ensure(card.validate(), || {
            "a wallet refuses the stamp card's data".into()
        })?;
        ensure(card.stamps == stamps.stamps, || {
            format!(
                "the card syncs {} stamps, the purchase answered {}",
                card.stamps, stamps.stamps
            )
        })?;
    }
    if let Some(points) = answer.points.as_ref().filter(|p| p.earned > 0) {
        let balance: PointsBalanceData =
            entity(changes, EntityKind::PointsBalance, &points.account_id)?;
        ensure(balance.validate(), || {
            "a wallet refuses the points balance's data".into()
        })?;
        ensure(balance.balance == points.balance, || {
            format!(
                "the balance syncs {}, the purchase answered {}",
                balance.balance, points.balance
            )
        })?;
        let entry = changes
            .iter()
            .filter(|c| c.kind == EntityKind::LedgerEntry)
            .filter_map(|c| serde_json::from_value::<LedgerEntryData>(c.data.clone()?).ok())
            .find(|e| e.reason == LedgerReason::Purchase)
            .ok_or("the sync after the purchase has no purchase ledger entry")?;
        ensure(entry.validate(), || {
            "a wallet refuses the ledger entry's data".into()
        })?;
        ensure(
            entry.points == points.earned
                && entry.amount == Some(AMOUNT)
                && entry.balance_after == points.balance
                && entry.account_id == points.account_id,
            || format!("the purchase ledger entry disagrees with the answer: {entry:?}"),
        )?;
    }
    if let Some(tier) = &answer.tier {
        let data: TierData = entity(changes, EntityKind::Tier, &answer.merchant_id)?;
        ensure(data.validate(), || {
            "a wallet refuses the tier's data".into()
        })?;
        ensure(data.tier_id == tier.tier_id, || {
            format!(
                "the tier syncs {}, the purchase answered {}",
                data.tier_id, tier.tier_id
            )
        })?;
    }
    for issued in &answer.coupons_issued {
        let coupon: CouponData = entity(changes, EntityKind::Coupon, issued.code.as_str())?;
        ensure(coupon.validate(), || {
            "a wallet refuses an issued coupon's data".into()
        })?;
    }
    Ok(())
}
