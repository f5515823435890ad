//! `POST /v1/cashier/scan`: a cashier's till reads a member QR (or a typed member number and
//! code) and learns whose membership it is. Each code works once, within a minute or so.
//!
//! The checks (rate limits, the code, the refusals and their counting) are shared with the
//! purchase endpoint (`cashier_purchase`), which records the used step in its own transaction.

use crate::app::AppState;
use crate::auth::bearer_token;
use crate::code_check::{check_code, CodeCheck};
use crate::error::ApiError;
use crate::json::ApiJson;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use sqlx::{AnyConnection, FromRow};
use wallet_core::protocol::{error_code, ScanRequest, ScanResponse};
use wallet_core::{base32, MemberCode, MembershipId, Totp};

/// Longer cannot be a key we issued; refusing it early bounds the work a stranger can cause.
const MAX_KEY_LEN: usize = 256;

/// A request authenticated with `Authorization: Bearer <cashier key>`.
pub struct Cashier {
    pub merchant_id: String,
}

impl FromRequestParts<AppState> for Cashier {
    type Rejection = ApiError;

    // Runs before the body is read, so an unauthenticated caller learns nothing about the body.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let key = bearer_token(parts, MAX_KEY_LEN).ok_or_else(|| {
            ApiError::unauthorized("a cashier key is needed: Authorization: Bearer <key>")
        })?;
        let merchant_id = state
            .cashier_keys
            .merchant(&state.db, key)
            .await?
            .ok_or_else(|| ApiError::unauthorized("this cashier key is not valid"))?;
        Ok(Self { merchant_id })
    }
}

/// The answers that count as a failed attempt for rate limiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    MembershipUnknown,
    CodeInvalid,
    CodeExpired,
    CodeAlreadyUsed,
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        let (status, code, message) = match refusal {
            Refusal::MembershipUnknown => (
                StatusCode::NOT_FOUND,
                error_code::MEMBERSHIP_UNKNOWN,
                "this member is not a member of this shop",
            ),
            Refusal::CodeInvalid => (
                StatusCode::UNPROCESSABLE_ENTITY,
                error_code::CODE_INVALID,
                "the member code is not valid",
            ),
            Refusal::CodeExpired => (
                StatusCode::UNPROCESSABLE_ENTITY,
                error_code::CODE_EXPIRED,
                "the member code has expired; ask the member to show the current code",
            ),
            Refusal::CodeAlreadyUsed => (
                StatusCode::CONFLICT,
                error_code::CODE_ALREADY_USED,
                "this member code was already used; ask the member to wait for the next code",
            ),
        };
        ApiError::new(status, code, message)
    }
}

pub async fn scan(
    State(state): State<AppState>,
    cashier: Cashier,
    ApiJson(request): ApiJson<ScanRequest>,
) -> Result<Json<ScanResponse>, ApiError> {
    let member_code = parse_member_code(&request.payload)?;
    let now = state.clock.now_unix();
    check_limits(&state, &cashier, &member_code, now)?;

    let mut conn = state.db.acquire().await?;
    let checked =
        match check_member_code(&mut conn, &cashier.merchant_id, &member_code, now).await? {
            Ok(checked) => checked,
            Err(refusal) => return Err(refuse(&state, &cashier, &member_code, now, refusal)),
        };
    // The condition makes the write the arbiter: of two tills scanning the same code at once,
    // exactly one moves the step forward and the other sees no row changed.
    let mut writer = state.write_gate.writer(conn).await?;
    let updated = sqlx::query(
        "UPDATE memberships SET last_used_step = $1 WHERE id = $2 AND last_used_step < $1",
    )
    .bind(checked.step)
    .bind(checked.membership_id.as_str())
    .execute(&mut *writer)
    .await?;
    drop(writer);
    if updated.rows_affected() != 1 {
        return Err(refuse(
            &state,
            &cashier,
            &member_code,
            now,
            Refusal::CodeAlreadyUsed,
        ));
    }
    Ok(Json(ScanResponse {
        membership_id: checked.membership_id,
        merchant_id: cashier.merchant_id.clone(),
        member_since: checked.member_since,
    }))
}

/// The scanned or typed text as a member code, or `400 member_code_malformed`.
pub(crate) fn parse_member_code(payload: &str) -> Result<MemberCode, ApiError> {
    MemberCode::parse(payload).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            error_code::MEMBER_CODE_MALFORMED,
            e.to_string(),
        )
    })
}

/// `429` while this cashier key or this membership is over its limit of failed attempts. A
/// member over the limit is refused even with the right code: otherwise the limit would only
/// slow guessing down, not stop it.
pub(crate) fn check_limits(
    state: &AppState,
    cashier: &Cashier,
    member_code: &MemberCode,
    now: u64,
) -> Result<(), ApiError> {
    let wait = [
        state
            .cashier_failures
            .retry_after(&cashier.merchant_id, now),
        state
            .member_failures
            .retry_after(member_code.membership_id.as_str(), now),
    ]
    .into_iter()
    .flatten()
    .max();
    match wait {
        Some(wait) => Err(ApiError::rate_limited(wait)),
        None => Ok(()),
    }
}

/// Counts a failed attempt against the key and the membership, and makes its answer.
pub(crate) fn refuse(
    state: &AppState,
    cashier: &Cashier,
    member_code: &MemberCode,
    now: u64,
    refusal: Refusal,
) -> ApiError {
    state.cashier_failures.record(&cashier.merchant_id, now);
    state
        .member_failures
        .record(member_code.membership_id.as_str(), now);
    refusal.into()
}

/// What checking a member code needs of the membership.
#[derive(FromRow)]
pub(crate) struct MembershipRow {
    pub totp_secret: String,
    pub member_since: i64,
    pub last_used_step: i64,
}

/// A member code that is right for a step newer than any used: what remains is to record the
/// step (`last_used_step < step`, conditionally) in the caller's write.
pub(crate) struct CheckedCode {
    pub membership_id: MembershipId,
    pub step: i64,
    pub member_since: i64,
}

/// Reads the membership and checks the code; writes nothing. The outer error is the server's own
/// failure; the inner one is the answer to the cashier.
pub(crate) async fn check_member_code(
    conn: &mut AnyConnection,
    merchant_id: &str,
    member_code: &MemberCode,
    now: u64,
) -> Result<Result<CheckedCode, Refusal>, ApiError> {
    // Another shop's member is "unknown" here, not "forbidden": a till must not learn which
    // memberships exist elsewhere.
    let row: Option<MembershipRow> = sqlx::query_as(
        "SELECT totp_secret, member_since, last_used_step FROM memberships \
         WHERE id = $1 AND merchant_id = $2",
    )
    .bind(member_code.membership_id.as_str())
    .bind(merchant_id)
    .fetch_optional(conn)
    .await?;
    check_membership_code(row, member_code, now)
}

/// `check_member_code` with the membership as the caller read it (by its id and the cashier's
/// merchant: `None` when it is not a member of this shop).
pub(crate) fn check_membership_code(
    row: Option<MembershipRow>,
    member_code: &MemberCode,
    now: u64,
) -> Result<Result<CheckedCode, Refusal>, ApiError> {
    let id = &member_code.membership_id;
    let Some(row) = row else {
        return Ok(Err(Refusal::MembershipUnknown));
    };
    let secret = base32::decode(&row.totp_secret)
        .ok_or_else(|| ApiError::internal(format!("membership {id} has a corrupt TOTP secret")))?;
    let last_used_step = u64::try_from(row.last_used_step).unwrap_or(0);

    let step = match check_code(&Totp::new(secret), &member_code.code, now, last_used_step) {
        CodeCheck::Fresh(step) => step,
        CodeCheck::AlreadyUsed => return Ok(Err(Refusal::CodeAlreadyUsed)),
        CodeCheck::Expired => return Ok(Err(Refusal::CodeExpired)),
        CodeCheck::Invalid => return Ok(Err(Refusal::CodeInvalid)),
    };
    let step = i64::try_from(step).map_err(|_| ApiError::internal("TOTP step out of range"))?;
    Ok(Ok(CheckedCode {
        membership_id: MembershipId::clone(id),
        step,
        member_since: row.member_since,
    }))
}
