//! `POST /v1/cashier/campaigns/{id}/grant` `{"request_id"}`: the merchant's staff give one ticket
//! of an active campaign to every member (`loyalty::campaign_grant`). Exactly once per request
//! id, like the other cashier writes (protocol.md §11.5): sent again, the stored answer comes
//! back and no more tickets are issued.

use super::answers::{self, finish};
use super::claim_codes::CAMPAIGN_UNKNOWN;
use super::Cashier;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::loyalty::campaign_grant::grant_to_all;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};

const ENDPOINT: &str = "campaign_grant";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    #[serde(default)]
    pub request_id: Option<String>,
}

#[derive(Serialize)]
pub struct Granted {
    pub request_id: String,
    pub campaign_id: String,
    /// One per member.
    pub tickets_issued: usize,
}

pub async fn grant(
    State(state): State<AppState>,
    cashier: Cashier,
    Path(campaign_id): Path<String>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<GrantRequest>,
) -> Result<Response, ApiError> {
    let request_id = answers::request_id(&headers, request.request_id.as_deref())?;
    let fingerprint = format!("{ENDPOINT}:{campaign_id}");
    let claim = cashier.claim(&request_id, ENDPOINT, &fingerprint);
    let mut conn = state.store.read().await?;
    if let Some(stored) = cashier.replay_earlier(&state, &mut conn, &claim).await? {
        return Ok(stored);
    }
    let rules = cashier.rules(&state, &mut conn).await?;
    let now = state.now();
    let mut tx = state.store.write_after(conn).await?;
    let Some(tickets_issued) = grant_to_all(&mut tx, &rules, &campaign_id, now).await? else {
        tx.rollback().await?;
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            CAMPAIGN_UNKNOWN,
            "this shop runs no active game campaign with this id",
        ));
    };
    let answer = Granted {
        request_id: request_id.clone(),
        campaign_id,
        tickets_issued,
    };
    finish(tx, &claim, &answer, now).await
}
