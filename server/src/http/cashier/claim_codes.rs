//! `POST /v1/cashier/claim-codes`: the merchant's staff create one-time claim codes (bonus stamps
//! or a game ticket) to print on receipts, table cards or packages; each comes with the link its
//! QR carries. What claiming does is `loyalty::claims`.

use super::Cashier;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::loyalty::claims::{self, CreateRefusal};
use crate::loyalty::links;
use crate::state::AppState;
use crate::store::merchants;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_core::cashier::error_code::STAMPS_NOT_ENABLED;
use wallet_core::claim::{CreateClaimCodes, CreatedClaimCode, CreatedClaimCodes};

/// The campaign a ticket code names is not one the merchant runs.
pub const CAMPAIGN_UNKNOWN: &str = "campaign_unknown";

pub async fn create(
    State(state): State<AppState>,
    cashier: Cashier,
    ApiJson(request): ApiJson<CreateClaimCodes>,
) -> Result<Json<CreatedClaimCodes>, ApiError> {
    if let Some(problem) = request.problem() {
        return Err(ApiError::bad_request(problem));
    }
    let merchant_id = cashier.merchant_id.as_str();
    let mut conn = cashier.checked_read(&state).await?;
    let rules = cashier.rules(&state, &mut conn).await?;
    let join_code = merchants::join_code(&mut conn, merchant_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("merchant {merchant_id} has no join code")))?;
    let now = state.now();
    let mut tx = state.store.write_after(conn).await?;
    let created = claims::create(&mut tx, &rules, &request, now).await?;
    let (codes, expires_at) = match created {
        Ok(created) => created,
        Err(CreateRefusal::StampsNotEnabled) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                STAMPS_NOT_ENABLED,
                "this shop has no stamp card to give stamps on",
            ))
        }
        Err(CreateRefusal::CampaignUnknown) => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                CAMPAIGN_UNKNOWN,
                "this shop runs no game campaign with this id",
            ))
        }
    };
    tx.commit().await?;
    let codes = codes
        .into_iter()
        .map(|code| {
            let link = links::claim_link(&state.public_url, &join_code, &code)
                .ok_or_else(|| ApiError::internal("the public URL is not an issuer address"))?;
            Ok(CreatedClaimCode {
                code,
                link,
                expires_at,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(Json(CreatedClaimCodes {
        merchant_id: merchant_id.to_owned(),
        gift: request.gift,
        codes,
    }))
}
