//! `GET /v1/cashier/surveys`: the merchant's survey results for its staff (the cashier key):
//! counts, the average rating, the NPS, the open service-recovery cases and recent comments.

use super::Cashier;
use crate::http::error::ApiError;
use crate::loyalty::survey_results::{self, SurveyResults};
use crate::state::AppState;
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
    let mut conn = cashier.checked_read(&state).await?;
    let surveys = survey_results::for_merchant(&mut conn, &cashier.merchant_id).await?;
    Ok(Json(SurveysResponse { surveys }))
}
