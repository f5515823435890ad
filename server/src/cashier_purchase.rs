//! `POST /v1/cashier/purchase`: a purchase at the counter, shown by the member's code. The code
//! is checked exactly as a scan checks it (same window, single use, rate limits); then stamps,
//! points, the tier, the used step, the request id's answer and every entity version change in
//! ONE transaction.

use crate::app::AppState;
use crate::cashier::{
    check_limits, check_membership_code, parse_member_code, refuse, Cashier, MembershipRow, Refusal,
};
use crate::entities::{self, EntityBatch};
use crate::error::ApiError;
use crate::idempotency;
use crate::json::ApiJson;
use crate::loyalty::{self, MemberRow, MEMBER_COLUMNS};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use sqlx::{AnyConnection, Connection, FromRow};
use wallet_core::cashier::{
    PurchasePoints, PurchaseRequest, PurchaseResponse, PurchaseStamps, PurchaseTier,
};
use wallet_core::loyalty_rules::MAX_PURCHASE_AMOUNT;
use wallet_core::MemberCode;

const ENDPOINT: &str = "purchase";

pub async fn purchase(
    State(state): State<AppState>,
    cashier: Cashier,
    headers: HeaderMap,
    ApiJson(request): ApiJson<PurchaseRequest>,
) -> Result<Response, ApiError> {
    let request_id = idempotency::request_id(&headers, request.request_id.as_deref())?;
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

    let mut conn = state.db.acquire().await?;
    let (earlier, membership) =
        read_request_and_membership(&mut conn, merchant_id, &request_id, &member_code).await?;
    // A till that lost the answer sends the same request again (its code is used by now): it
    // gets the stored answer before the code is looked at.
    if let Some(stored) = idempotency::stored_answer(earlier, &request_id, &fingerprint)? {
        return Ok(stored);
    }
    let clock = state.clock.now_unix();
    let now = i64::try_from(clock).unwrap_or(i64::MAX);
    check_limits(&state, &cashier, &member_code, clock)?;
    let checked = match check_membership_code(membership, &member_code, clock)? {
        Ok(checked) => checked,
        Err(refusal) => {
            // The same request a moment ago (a double tap) may have used the code since the
            // lookup above: then its answer, not a failed attempt.
            if refusal == Refusal::CodeAlreadyUsed {
                if let Some(stored) =
                    idempotency::stored(&mut conn, merchant_id, &request_id, &fingerprint).await?
                {
                    return Ok(stored);
                }
            }
            return Err(refuse(&state, &cashier, &member_code, clock, refusal));
        }
    };
    let programs = state
        .programs
        .get(&mut conn, merchant_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("merchant {merchant_id} has no row")))?;

    let mut writer = state.write_gate.writer(conn).await?;
    let mut tx = writer.begin().await?;
    // On PostgreSQL the version counter's lock comes first (see `entities`); on SQLite the gate
    // already makes this the only writer, and the first statement below is a write.
    if !state.write_gate.serialises() {
        entities::next_version(&mut tx).await?;
    }
    // The condition makes the write the arbiter, as for a scan; it also reads the member's
    // loyalty state under the lock.
    let member: Option<MemberRow> = sqlx::query_as(&format!(
        "UPDATE memberships SET last_used_step = $1 \
         WHERE id = $2 AND last_used_step < $1 RETURNING {MEMBER_COLUMNS}"
    ))
    .bind(checked.step)
    .bind(checked.membership_id.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(mut member) = member else {
        tx.rollback().await?;
        // The same request racing itself (a double tap): the first one's answer.
        if let Some(stored) =
            idempotency::stored(&mut writer, merchant_id, &request_id, &fingerprint).await?
        {
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

    let mut batch = EntityBatch::new();
    let effects = loyalty::record_purchase(
        &mut tx,
        &mut batch,
        &programs,
        &mut member,
        request.amount,
        now,
    )
    .await?;
    batch.flush(&mut tx).await?;

    let answer = PurchaseResponse {
        request_id: request_id.clone(),
        membership_id: checked.membership_id,
        merchant_id: merchant_id.to_owned(),
        amount: request.amount,
        recorded_at: now,
        stamps: match (effects.grant, effects.stamped) {
            (Some(grant), Some(stamped)) => Some(PurchaseStamps {
                granted: grant.granted,
                limited: grant.limited,
                cards_completed: stamped.cards_completed,
                card_id: stamped.card.id.clone(),
                stamps: u32::try_from(stamped.card.stamps.max(0)).unwrap_or(0),
                stamps_required: programs.stamps.as_ref().map_or(0, |p| p.stamps_required),
            }),
            _ => None,
        },
        points: effects
            .points
            .map(|(earned, balance, account_id)| PurchasePoints {
                earned,
                balance,
                account_id,
            }),
        tier: effects.tier.as_ref().and_then(|standing| {
            let level = programs
                .tiers
                .iter()
                .find(|t| i64::from(t.rank) == standing.rank)?;
            Some(PurchaseTier {
                tier_id: level.tier_id.clone(),
                name: level.name.clone(),
                changed: standing.rank != effects.tier_before,
                spend_12m: standing.spend_12m,
            })
        }),
        coupons_issued: effects.coupons,
    };
    let claim = idempotency::Claim {
        merchant_id,
        request_id: &request_id,
        endpoint: ENDPOINT,
        fingerprint: &fingerprint,
    };
    idempotency::finish(tx, &claim, &answer, now).await
}

/// The request id's stored row (fingerprint, answer) and the membership as a member code's check
/// needs it (`None`: not a member of this shop), in one read: a purchase's reads before its turn
/// to write are round trips to a pooled connection like any other.
async fn read_request_and_membership(
    conn: &mut AnyConnection,
    merchant_id: &str,
    request_id: &str,
    member_code: &MemberCode,
) -> Result<(Option<(String, Option<String>)>, Option<MembershipRow>), sqlx::Error> {
    #[derive(FromRow)]
    struct Row {
        fingerprint: Option<String>,
        response: Option<String>,
        totp_secret: Option<String>,
        member_since: Option<i64>,
        last_used_step: Option<i64>,
    }
    let row: Row = sqlx::query_as(
        "SELECT r.fingerprint, r.response, m.totp_secret, m.member_since, m.last_used_step \
         FROM (SELECT 1 AS one) AS x \
         LEFT JOIN cashier_requests r ON r.merchant_id = $1 AND r.request_id = $2 \
         LEFT JOIN memberships m ON m.id = $3 AND m.merchant_id = $1",
    )
    .bind(merchant_id)
    .bind(request_id)
    .bind(member_code.membership_id.as_str())
    .fetch_one(conn)
    .await?;
    let request = row
        .fingerprint
        .map(|fingerprint| (fingerprint, row.response));
    let membership = match (row.totp_secret, row.member_since, row.last_used_step) {
        (Some(totp_secret), Some(member_since), Some(last_used_step)) => Some(MembershipRow {
            totp_secret,
            member_since,
            last_used_step,
        }),
        _ => None,
    };
    Ok((request, membership))
}
