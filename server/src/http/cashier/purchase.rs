//! `POST /v1/cashier/purchase`: a purchase at the counter, shown by the member's code. The code
//! is checked exactly as a scan checks it (same window, single use, rate limits); then stamps,
//! points, the tier, the used step, the request id's answer and every entity version change in
//! ONE transaction.

use super::answers::{self, finish, replay};
use super::member_code::{check_membership_code, parse_member_code};
use super::{check_limits, refuse, Cashier, Refusal};
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::loyalty::purchase::{self, PurchaseEffects};
use crate::loyalty::rules::MerchantRules;
use crate::state::AppState;
use crate::store::memberships;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use wallet_core::cashier::{
    PurchasePoints, PurchaseRequest, PurchaseResponse, PurchaseStamps, PurchaseTier,
};
use wallet_core::loyalty_rules::MAX_PURCHASE_AMOUNT;

const ENDPOINT: &str = "purchase";

pub async fn purchase(
    State(state): State<AppState>,
    cashier: Cashier,
    headers: HeaderMap,
    ApiJson(request): ApiJson<PurchaseRequest>,
) -> Result<Response, ApiError> {
    let request_id = answers::request_id(&headers, request.request_id.as_deref())?;
    if !(1..=MAX_PURCHASE_AMOUNT).contains(&request.amount) {
        return Err(ApiError::bad_request(format!(
            "amount is whole NT$ from 1 to {MAX_PURCHASE_AMOUNT}"
        )));
    }
    let member_code = parse_member_code(&request.payload)?;
    let fingerprint = format!(
        "{ENDPOINT}:{}:{}",
        member_code.membership_id, request.amount
    );
    let merchant_id = cashier.merchant_id.as_str();
    let claim = cashier.claim(&request_id, ENDPOINT, &fingerprint);

    let mut conn = state.store.read().await?;
    let read = memberships::request_and_code_row(
        &mut conn,
        merchant_id,
        &cashier.key_hash,
        &request_id,
        member_code.membership_id.as_str(),
    )
    .await?;
    let (earlier, membership) = cashier.still_valid(&state, read)?;
    // A till that lost the answer sends the same request again (its code is used by now): it
    // gets the stored answer before the code is looked at.
    if let Some(stored) = replay(earlier, &claim)? {
        return Ok(stored);
    }
    let clock = state.clock.now_unix();
    let now = state.now();
    check_limits(&state, &cashier, &member_code, clock)?;
    let checked = match check_membership_code(membership, &member_code, clock)? {
        Ok(checked) => checked,
        Err(refusal) => {
            // The same request a moment ago (a double tap) may have used the code since the
            // lookup above: then its answer, not a failed attempt.
            if refusal == Refusal::CodeAlreadyUsed {
                if let Some(stored) = answers::stored(&mut conn, &claim).await? {
                    return Ok(stored);
                }
            }
            return Err(refuse(&state, &cashier, &member_code, clock, refusal));
        }
    };
    let rules = cashier.rules(&state, &mut conn).await?;

    let mut tx = state.store.write_after(conn).await?;
    let membership_id = checked.membership_id.as_str();
    let used = purchase::use_code_step(&mut tx, &rules, membership_id, checked.step, now);
    let Some(mut buyer) = used.await? else {
        tx.rollback().await?;
        // The same request racing itself (a double tap): the first one's answer.
        let mut conn = state.store.read().await?;
        if let Some(stored) = answers::stored(&mut conn, &claim).await? {
            return Ok(stored);
        }
        return Err(refuse(
            &state,
            &cashier,
            &member_code,
            clock,
            Refusal::CodeAlreadyUsed,
        ));
    };

    let effects =
        purchase::record_purchase(&mut tx, &rules, &mut buyer, request.amount, now).await?;
    let answer = PurchaseResponse {
        request_id: request_id.clone(),
        membership_id: checked.membership_id,
        merchant_id: merchant_id.to_owned(),
        amount: request.amount,
        recorded_at: now,
        stamps: stamps_answer(&rules, &effects),
        points: effects.points.clone().map(|points| PurchasePoints {
            earned: points.earned,
            balance: points.balance,
            account_id: points.account_id,
        }),
        tier: tier_answer(&rules, &effects),
        coupons_issued: effects.coupons,
    };
    finish(tx, &claim, &answer, now).await
}

fn stamps_answer(rules: &MerchantRules, effects: &PurchaseEffects) -> Option<PurchaseStamps> {
    let (grant, stamped) = (effects.grant?, effects.stamped.as_ref()?);
    Some(PurchaseStamps {
        granted: grant.granted,
        limited: grant.limited,
        cards_completed: stamped.cards_completed,
        card_id: stamped.card.id.clone(),
        stamps: u32::try_from(stamped.card.stamps.max(0)).unwrap_or(0),
        stamps_required: rules.stamps.as_ref().map_or(0, |p| p.stamps_required),
    })
}

fn tier_answer(rules: &MerchantRules, effects: &PurchaseEffects) -> Option<PurchaseTier> {
    let standing = effects.tier.as_ref()?;
    let level = rules
        .tiers
        .iter()
        .find(|t| i64::from(t.rank) == standing.rank)?;
    Some(PurchaseTier {
        tier_id: level.tier_id.clone(),
        name: level.name.clone(),
        changed: standing.rank != effects.tier_before,
        spend_12m: standing.spend_12m,
    })
}
