//! `GET /v1/cashier/surveys`: the merchant's survey results for its staff (the cashier key):
//! counts, the average rating, the NPS, the open service-recovery cases and recent comments.

use super::Cashier;
use crate::http::error::ApiError;
use crate::loyalty::survey_results::{self, SurveyResults};
use crate::state::AppState;
use crate::store::merchants;
use axum::extract::State;
use axum::Json;
use serde::Serialize;

#[derive(Serialize)]
pub struct SurveysResponse {
    pub surveys: Vec<SurveyResults>,
}

pub async fn results(
    State(state): State<AppState>,
    cashier: Cashier,
) -> Result<Json<SurveysResponse>, ApiError> {
    let mut conn = state.store.read().await?;
    let checked =
        merchants::cashier_key_checked(&mut conn, &cashier.merchant_id, &cashier.key_hash).await?;
    cashier.still_valid(&state, checked)?;
    let surveys = survey_results::for_merchant(&mut conn, &cashier.merchant_id).await?;
    Ok(Json(SurveysResponse { surveys }))
}
