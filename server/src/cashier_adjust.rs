//! `POST /v1/cashier/adjust`: staff add or remove a member's points with a reason (a correction,
//! or points for a survey or a game played at the counter). The member is named by membership id
//! (no code needed: the staff key is the authority) and must be a member of this merchant.

use crate::app::AppState;
use crate::cashier::Cashier;
use crate::entities::{self, EntityBatch};
use crate::error::ApiError;
use crate::idempotency;
use crate::json::ApiJson;
use crate::loyalty::{self, now_i64};
use crate::points::{self, Change};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sqlx::Connection;
use wallet_core::cashier::{
    error_code, AdjustRequest, AdjustResponse, MAX_ADJUST_POINTS, MAX_NOTE_CHARS,
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

pub async fn adjust(
    State(state): State<AppState>,
    cashier: Cashier,
    headers: HeaderMap,
    ApiJson(request): ApiJson<AdjustRequest>,
) -> Result<Response, ApiError> {
    let request_id = idempotency::request_id(&headers, request.request_id.as_deref())?;
    if request.delta_points == 0 || request.delta_points.abs() > MAX_ADJUST_POINTS {
        return Err(ApiError::bad_request(format!(
            "delta_points is a non-zero number of points, at most {MAX_ADJUST_POINTS} either way"
        )));
    }
    let reason = LedgerReason::for_adjustment(&request.reason)
        .ok_or_else(|| ApiError::bad_request("reason is one of adjustment, survey, game"))?;
    let note = checked_note(request.note.as_deref())?;
    let fingerprint = format!(
        "{ENDPOINT}:{}:{}:{}",
        request.membership_id,
        request.delta_points,
        reason.as_str()
    );
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
    let member = loyalty::member(&mut tx, request.membership_id.as_str())
        .await?
        .filter(|m| m.merchant_id == merchant_id);
    let Some(mut member) = member else {
        tx.rollback().await?;
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            MEMBERSHIP_UNKNOWN,
            "this member is not a member of this shop",
        ));
    };
    let (Some(_), Some(account_id)) = (programs.points, member.points_account_id.clone()) else {
        tx.rollback().await?;
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            error_code::POINTS_NOT_ENABLED,
            "this shop has no points program",
        ));
    };

    let mut batch = EntityBatch::new();
    // Expired points go first, so a removal cannot take points that are already gone.
    loyalty::housekeeping_in(&mut tx, &mut batch, &programs, &mut member, now).await?;
    let change = Change {
        account_id: &account_id,
        membership_id: Some(&member.id),
        reason,
        points: request.delta_points.abs(),
        amount: None,
        note,
    };
    let entry = if request.delta_points > 0 {
        points::credit(&mut tx, &mut batch, &programs, change, now).await?
    } else {
        match points::debit(&mut tx, &mut batch, &programs, change, now).await? {
            Some(entry) => entry,
            None => {
                tx.rollback().await?;
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    error_code::INSUFFICIENT_POINTS,
                    "the member has fewer points than this adjustment removes",
                ));
            }
        }
    };
    points::write_balance(
        &mut tx,
        &mut batch,
        &programs,
        &account_id,
        Some(entry.balance_after),
        now,
    )
    .await?;
    batch.flush(&mut tx).await?;

    let answer = AdjustResponse {
        request_id: request_id.clone(),
        membership_id: request.membership_id,
        delta_points: request.delta_points,
        reason: request.reason,
        balance: entry.balance_after,
        account_id,
        ledger_entry_id: entry.id,
    };
    let body = serde_json::to_string(&answer).map_err(ApiError::internal)?;
    let claim = idempotency::Claim {
        merchant_id,
        request_id: &request_id,
        endpoint: ENDPOINT,
        fingerprint: &fingerprint,
    };
    if !idempotency::store(&mut tx, &claim, &body, now).await? {
        // The same request racing itself: its effects must not count twice.
        tx.rollback().await?;
        return idempotency::stored(&mut writer, merchant_id, &request_id, &fingerprint)
            .await?
            .ok_or_else(|| ApiError::internal("a stored request id has no answer"));
    }
    tx.commit().await?;
    drop(writer);
    Ok(idempotency::json_response(body, false))
}
