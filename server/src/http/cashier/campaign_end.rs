//! `POST /v1/cashier/campaigns/{id}/end`: the merchant's staff (the cashier key) end a game
//! campaign. No more tickets of it are issued and the seed of every member holding a drawn ticket
//! of it is revealed (`loyalty::campaign_end`). Ending an ended campaign answers the same.

use super::claim_codes::CAMPAIGN_UNKNOWN;
use super::Cashier;
use crate::http::error::ApiError;
use crate::loyalty::campaign_end::end_campaign;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

#[derive(Serialize)]
pub struct CampaignEnded {
    pub campaign_id: String,
    /// Members whose seed this request revealed (0 when the campaign had ended before).
    pub seeds_revealed: usize,
}

pub async fn end(
    State(state): State<AppState>,
    cashier: Cashier,
    Path(campaign_id): Path<String>,
) -> Result<Json<CampaignEnded>, ApiError> {
    let mut conn = cashier.checked_read(&state).await?;
    let rules = cashier.rules(&state, &mut conn).await?;
    let now = state.now();
    let mut tx = state.store.write_after(conn).await?;
    let Some(seeds_revealed) = end_campaign(&mut tx, &rules, &campaign_id, now).await? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            CAMPAIGN_UNKNOWN,
            "this shop runs no game campaign with this id",
        ));
    };
    tx.commit().await?;
    // Purchases read the campaigns from the rules: the ended one goes at once, not in a few
    // seconds.
    state.rules.clear();
    Ok(Json(CampaignEnded {
        campaign_id,
        seeds_revealed,
    }))
}
