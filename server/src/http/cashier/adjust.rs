//! `POST /v1/cashier/adjust`: staff add or remove a member's points with a reason (a correction,
//! or points for a survey or a game played at the counter), or stamps on the member's stamp card
//! ("補章": a stamp owed when the system was down, or one given by mistake). The member is named by
//! membership id (no code needed: the staff key is the authority) and must be a member of this
//! merchant. What an adjustment does is `loyalty::adjust`.

use super::answers::{self, finish};
use super::Cashier;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::loyalty::adjust::{self, AdjustRefusal, Adjusted, AdjustmentRequest};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use wallet_core::cashier::{error_code, AdjustRequest, AdjustResponse, Adjustment, MAX_NOTE_CHARS};
use wallet_core::loyalty::LedgerReason;
use wallet_core::protocol::error_code::MEMBERSHIP_UNKNOWN;
use wallet_core::text::{self, Lines};
use wallet_core::LocalizedText;

const ENDPOINT: &str = "adjust";

fn checked_note(note: Option<&str>) -> Result<Option<LocalizedText>, ApiError> {
    let Some(note) = note.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    text::check(note, MAX_NOTE_CHARS, Lines::One).map_err(|e| {
        ApiError::bad_request(format!(
            "note is one line of at most {MAX_NOTE_CHARS} characters, nothing hidden: {e}"
        ))
    })?;
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
    let request_id = answers::request_id(&headers, request.request_id.as_deref())?;
    let adjustment = request
        .adjustment()
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let reason = LedgerReason::for_adjustment(&request.reason)
        .ok_or_else(|| ApiError::bad_request("reason is one of adjustment, survey, game"))?;
    let note = checked_note(request.note.as_deref())?;
    let fingerprint = fingerprint(request.membership_id.as_str(), adjustment, reason.clone());
    let merchant_id = cashier.merchant_id.as_str();
    let claim = cashier.claim(&request_id, ENDPOINT, &fingerprint);

    let mut conn = state.store.read().await?;
    if let Some(stored) = cashier.replay_earlier(&state, &mut conn, &claim).await? {
        return Ok(stored);
    }
    let rules = cashier.rules(&state, &mut conn).await?;
    let now = state.now();

    let mut tx = state.store.write_after(conn).await?;
    let asked = AdjustmentRequest {
        merchant_id,
        membership_id: request.membership_id.as_str(),
        adjustment,
        reason,
        note,
    };
    let adjusted = match adjust::apply(&mut tx, &rules, asked, now).await? {
        Ok(adjusted) => adjusted,
        Err(refusal) => {
            tx.rollback().await?;
            return Err(refused(refusal));
        }
    };
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
    match adjusted {
        Adjusted::Points {
            balance,
            account_id,
            ledger_entry_id,
        } => {
            answer.balance = Some(balance);
            answer.account_id = Some(account_id);
            answer.ledger_entry_id = Some(ledger_entry_id);
        }
        Adjusted::Stamps {
            card,
            coupons_issued,
        } => {
            answer.stamps = Some(card);
            answer.coupons_issued = coupons_issued;
        }
    }
    finish(tx, &claim, &answer, now).await
}

fn refused(refusal: AdjustRefusal) -> ApiError {
    let conflict = |code, message| ApiError::new(StatusCode::CONFLICT, code, message);
    match refusal {
        AdjustRefusal::NotAMember => ApiError::new(
            StatusCode::NOT_FOUND,
            MEMBERSHIP_UNKNOWN,
            "this member is not a member of this shop",
        ),
        AdjustRefusal::PointsNotEnabled => conflict(
            error_code::POINTS_NOT_ENABLED,
            "this shop has no points program",
        ),
        AdjustRefusal::InsufficientPoints => conflict(
            error_code::INSUFFICIENT_POINTS,
            "the member has fewer points than this adjustment removes",
        ),
        AdjustRefusal::StampsNotEnabled => conflict(
            error_code::STAMPS_NOT_ENABLED,
            "this shop has no stamp card",
        ),
        AdjustRefusal::TooManyStamps { stamps_required } => ApiError::bad_request(format!(
            "delta_stamps is at most this shop's card size, {stamps_required} stamps, either way"
        )),
        AdjustRefusal::InsufficientStamps => conflict(
            error_code::INSUFFICIENT_STAMPS,
            "the member's card has fewer stamps than this adjustment removes",
        ),
    }
}
