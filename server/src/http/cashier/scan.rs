//! `POST /v1/cashier/scan`: a cashier's till reads a member QR (or a typed member number and
//! code) and learns whose membership it is. Each code works once, within a minute or so.

use super::member_code::{check_membership_code, parse_member_code};
use super::{check_limits, refuse, Cashier, Refusal};
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::state::AppState;
use crate::store::memberships;
use axum::extract::State;
use axum::Json;
use wallet_core::protocol::{ScanRequest, ScanResponse};

pub async fn scan(
    State(state): State<AppState>,
    cashier: Cashier,
    ApiJson(request): ApiJson<ScanRequest>,
) -> Result<Json<ScanResponse>, ApiError> {
    let member_code = parse_member_code(&request.payload)?;
    let now = state.clock.now_unix();
    check_limits(&state, &cashier, &member_code, now)?;

    let mut conn = state.store.read().await?;
    // Another shop's member is "unknown" here, not "forbidden": a till must not learn which
    // memberships exist elsewhere.
    let row = memberships::code_row(
        &mut conn,
        &cashier.merchant_id,
        &cashier.key_hash,
        member_code.membership_id.as_str(),
    )
    .await?;
    let row = cashier.still_valid(&state, row)?;
    let checked = match check_membership_code(row, &member_code, now)? {
        Ok(checked) => checked,
        Err(refusal) => return Err(refuse(&state, &cashier, &member_code, now, refusal)),
    };
    // Of two tills scanning the same code at once, exactly one moves the step forward.
    let mut tx = state.store.write_after(conn).await?;
    let used = memberships::use_step(&mut tx, checked.membership_id.as_str(), checked.step).await?;
    tx.commit().await?;
    if !used {
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
