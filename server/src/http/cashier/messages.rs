//! `POST /v1/cashier/messages` `{"request_id", "title", "body"}`: the merchant's staff write one
//! message (topic `news`) to every member (`loyalty::messages::announce`): a new dish, a holiday
//! closing. Exactly once per request id, like the other cashier writes (protocol.md §11.5): sent
//! again, the stored answer comes back and no second message is sent.

use super::answers::{self, finish};
use super::Cashier;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::loyalty::messages::announce;
use crate::state::AppState;
use crate::store::secrets::sha256_hex;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use wallet_core::message::{MessageData, MessageTopic};
use wallet_core::LocalizedText;

const ENDPOINT: &str = "messages";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnounceRequest {
    #[serde(default)]
    pub request_id: Option<String>,
    pub title: LocalizedText,
    pub body: LocalizedText,
}

#[derive(Serialize)]
pub struct Announced {
    pub request_id: String,
    pub message_id: String,
    /// The members it was sent to (those who have not left).
    pub sent_to: usize,
}

pub async fn announce_to_all(
    State(state): State<AppState>,
    cashier: Cashier,
    headers: HeaderMap,
    ApiJson(request): ApiJson<AnnounceRequest>,
) -> Result<Response, ApiError> {
    let request_id = answers::request_id(&headers, request.request_id.as_deref())?;
    let now = state.now();
    let message = MessageData {
        topic: MessageTopic::News,
        title: request.title,
        body: request.body,
        sent_at: now,
        coupon_code: None,
        read_at: None,
    };
    if !message.validate() {
        return Err(ApiError::bad_request(
            "title: 1 to 80 characters on one line, body: 1 to 500 characters, in both languages",
        ));
    }
    // The same request id with other words is another request: refused, not replayed.
    let words = serde_json::to_string(&(&message.title, &message.body)).unwrap_or_default();
    let fingerprint = format!("{ENDPOINT}:{}", sha256_hex(&words));
    let claim = cashier.claim(&request_id, ENDPOINT, &fingerprint);
    let mut conn = state.store.read().await?;
    if let Some(stored) = cashier.replay_earlier(&state, &mut conn, &claim).await? {
        return Ok(stored);
    }
    let rules = cashier.rules(&state, &mut conn).await?;
    let mut tx = state.store.write_after(conn).await?;
    let (message_id, sent_to) = announce(&mut tx, &rules, &message).await?;
    let answer = Announced {
        request_id: request_id.clone(),
        message_id,
        sent_to,
    };
    finish(tx, &claim, &answer, now).await
}
