//! `POST /v1/cashier/adjust`: staff add or remove a member's points with a reason (a correction,
//! or points for a survey or a game played at the counter), or stamps on the member's stamp card
//! ("補章": a stamp owed when the system was down, or one given by mistake). The member is named by
//! membership id (no code needed: the staff key is the authority) and must be a member of this
//! merchant.
//!
//! Stamps added here land exactly as a purchase's do (steps issue their coupons, a full card
//! starts the next) but are not held back by the per-visit and per-day limits: those guard the
//! purchase, and staff are the authority here. They are not purchases either, so they do not use
//! up the member's stamps of the day.

use crate::app::AppState;
use crate::cashier::Cashier;
use crate::entities::{self, EntityBatch};
use crate::error::ApiError;
use crate::idempotency;
use crate::json::ApiJson;
use crate::loyalty::{self, now_i64, MemberRow};
use crate::points::{self, Change};
use crate::programs::Programs;
use crate::stamps::{self, Stamping};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sqlx::{AnyConnection, Connection};
use wallet_core::cashier::{
    error_code, AdjustRequest, AdjustResponse, AdjustStamps, Adjustment, MAX_NOTE_CHARS,
};
use wallet_core::loyalty::LedgerReason;
use wallet_core::protocol::error_code::MEMBERSHIP_UNKNOWN;
use wallet_core::LocalizedText;

const ENDPOINT: &str = "adjust";

fn checked_note(note: Option<&str>) -> Result<Option<LocalizedText>, ApiError> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    if note.chars().count() > MAX_NOTE_CHARS || note.chars().any(char::is_control) {
        return Err(ApiError::bad_request(format!(
            "note is text of at most {MAX_NOTE_CHARS} characters without control characters"
        )));
    }
    // The till writes one language; the member sees the note as written in both.
    Ok(Some(LocalizedText::new(note, note)))
}

/// What the request asked, to refuse its id for another request. A points adjustment keeps the
/// form it had before stamps existed, so ids stored then still match their requests.
fn fingerprint(membership_id: &str, adjustment: Adjustment, reason: LedgerReason) -> String {
    match adjustment {
        Adjustment::Points(delta) => {
            format!("{ENDPOINT}:{membership_id}:{delta}:{}", reason.as_str())
        }
        Adjustment::Stamps(delta) => {
            format!(
                "{ENDPOINT}:{membership_id}:stamps:{delta}:{}",
                reason.as_str()
            )
        }
    }
}

pub async fn adjust(
    State(state): State<AppState>,
    cashier: Cashier,
    headers: HeaderMap,
    ApiJson(request): ApiJson<AdjustRequest>,
) -> Result<Response, ApiError> {
    let request_id = idempotency::request_id(&headers, request.request_id.as_deref())?;
    let adjustment = request.adjustment().map_err(ApiError::bad_request)?;
    let reason = LedgerReason::for_adjustment(&request.reason)
        .ok_or_else(|| ApiError::bad_request("reason is one of adjustment, survey, game"))?;
    let note = checked_note(request.note.as_deref())?;
    let fingerprint = fingerprint(request.membership_id.as_str(), adjustment, reason.clone());
    let merchant_id = cashier.merchant_id.as_str();

    let mut conn = state.db.acquire().await?;
    if let Some(stored) =
        idempotency::stored(&mut conn, merchant_id, &request_id, &fingerprint).await?
    {
        return Ok(stored);
    }
    let programs = state
        .programs
        .get(&mut conn, merchant_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("merchant {merchant_id} has no row")))?;
    let now = now_i64(&state);

    let mut writer = state.write_gate.writer(conn).await?;
    let mut tx = writer.begin().await?;
    entities::next_version(&mut tx).await?;
    let mut answer = AdjustResponse {
        request_id: request_id.clone(),
        membership_id: request.membership_id.clone(),
        delta_points: request.delta_points,
        delta_stamps: request.delta_stamps,
        reason: request.reason.clone(),
        balance: None,
        account_id: None,
        ledger_entry_id: None,
        stamps: None,
        coupons_issued: Vec::new(),
    };
    let mut batch = EntityBatch::new();
    let applied = match loyalty::member(&mut tx, request.membership_id.as_str())
        .await?
        .filter(|m| m.merchant_id == merchant_id)
    {
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            MEMBERSHIP_UNKNOWN,
            "this member is not a member of this shop",
        )),
        Some(mut member) => match adjustment {
            Adjustment::Points(delta) => {
                let change = PointsChange {
                    delta,
                    reason,
                    note,
                };
                adjust_points(&mut tx, &mut batch, &programs, &mut member, change, now)
                    .await
                    .map(|(balance, account_id, entry_id)| {
                        answer.balance = Some(balance);
                        answer.account_id = Some(account_id);
                        answer.ledger_entry_id = Some(entry_id);
                    })
            }
            Adjustment::Stamps(delta) => {
                adjust_stamps(&mut tx, &mut batch, &programs, &mut member, delta, now)
                    .await
                    .map(|(stamps, coupons)| {
                        answer.stamps = Some(stamps);
                        answer.coupons_issued = coupons;
                    })
            }
        },
    };
    if let Err(refused) = applied {
        tx.rollback().await?;
        return Err(refused);
    }
    batch.flush(&mut tx).await?;

    let claim = idempotency::Claim {
        merchant_id,
        request_id: &request_id,
        endpoint: ENDPOINT,
        fingerprint: &fingerprint,
    };
    idempotency::finish(tx, &claim, &answer, now).await
}

struct PointsChange {
    delta: i64,
    reason: LedgerReason,
    note: Option<LocalizedText>,
}

/// Points on the member's balance, as a ledger entry with the reason: the balance after, the
/// account and the entry. A refusal has written nothing the caller must keep.
async fn adjust_points(
    tx: &mut AnyConnection,
    batch: &mut EntityBatch,
    programs: &Programs,
    member: &mut MemberRow,
    change: PointsChange,
    now: i64,
) -> Result<(i64, String, String), ApiError> {
    let (Some(_), Some(account_id)) = (&programs.points, member.points_account_id.clone()) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            error_code::POINTS_NOT_ENABLED,
            "this shop has no points program",
        ));
    };
    // Expired points go first, so a removal cannot take points that are already gone.
    loyalty::housekeeping_in(tx, batch, programs, member, now).await?;
    let ledger_change = Change {
        account_id: &account_id,
        membership_id: Some(&member.id),
        reason: change.reason,
        points: change.delta.abs(),
        amount: None,
        note: change.note,
    };
    let entry = if change.delta > 0 {
        points::credit(tx, batch, programs, ledger_change, now).await?
    } else {
        points::debit(tx, batch, programs, ledger_change, now)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    error_code::INSUFFICIENT_POINTS,
                    "the member has fewer points than this adjustment removes",
                )
            })?
    };
    points::write_balance(
        tx,
        batch,
        programs,
        &account_id,
        Some(entry.balance_after),
        now,
    )
    .await?;
    Ok((entry.balance_after, account_id, entry.id))
}

/// Stamps on the member's active card: added through the card logic of a purchase (without its
/// limits), or taken off the active card down to zero at most. Coupons already issued stay.
async fn adjust_stamps(
    tx: &mut AnyConnection,
    batch: &mut EntityBatch,
    programs: &Programs,
    member: &mut MemberRow,
    delta: i64,
    now: i64,
) -> Result<(AdjustStamps, Vec<wallet_core::cashier::IssuedCoupon>), ApiError> {
    let Some(program) = &programs.stamps else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            error_code::STAMPS_NOT_ENABLED,
            "this shop has no stamp card",
        ));
    };
    let required = program.stamps_required;
    let count = u32::try_from(delta.unsigned_abs())
        .ok()
        .filter(|n| *n <= required)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "delta_stamps is at most this shop's card size, {required} stamps, either way"
            ))
        })?;
    // An expired card goes first: stamps land on (or come off) the card the member sees.
    loyalty::housekeeping_in(tx, batch, programs, member, now).await?;
    if delta > 0 {
        let stamping = Stamping {
            membership_id: &member.id,
            current: None,
            granted: count,
        };
        let stamped = stamps::add_stamps(tx, batch, programs, program, stamping, now).await?;
        let card = AdjustStamps {
            cards_completed: stamped.cards_completed,
            card_id: stamped.card.id.clone(),
            stamps: stamped.card.data(programs, program).stamps,
            stamps_required: required,
        };
        Ok((card, stamped.coupons))
    } else {
        let card = stamps::remove_stamps(tx, batch, programs, program, &member.id, count, now)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    error_code::INSUFFICIENT_STAMPS,
                    "the member's card has fewer stamps than this adjustment removes",
                )
            })?;
        let stamps = AdjustStamps {
            cards_completed: 0,
            card_id: card.id.clone(),
            stamps: card.data(programs, program).stamps,
            stamps_required: required,
        };
        Ok((stamps, Vec::new()))
    }
}
