//! Cashier requests named by a request id (`Idempotency-Key` header or `request_id` field): the
//! first one with an id is carried out and its answer stored in the same transaction as its
//! effects; any later one with the same id gets the stored answer and changes nothing. Of two with
//! the same id at once, the one that stores its answer second rolls back and answers with the
//! first one's.
//!
//! Only answers of requests that changed something (200) are stored. A refused request changes
//! nothing and stores nothing, so the till may send it again with the same id (e.g. after the
//! customer showed a fresh member code).
//!
//! Stored answers are kept for `KEEP_ANSWERS_SECS`: a till resends within seconds or minutes, and
//! a busy shop's answers would otherwise grow the database forever.

use crate::app::AppState;
use crate::error::ApiError;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sqlx::{Any, AnyConnection, Transaction};
use wallet_core::cashier::{
    error_code, is_valid_request_id, IDEMPOTENCY_KEY_HEADER, MAX_REQUEST_ID_LEN,
};

/// Set on an answer that is the stored answer of an earlier request with the same id.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";
/// How long a stored answer is kept (docs/protocol.md section 11.5).
pub const KEEP_ANSWERS_SECS: i64 = 30 * 24 * 3600;
/// How often the server looks for answers past `KEEP_ANSWERS_SECS`.
const FORGET_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);
/// Answers deleted per writer turn: other writers wait only that long.
const FORGET_BATCH: i64 = 1000;

/// The request's id, from the header or the body; both may be given if they agree.
pub fn request_id(headers: &HeaderMap, in_body: Option<&str>) -> Result<String, ApiError> {
    let in_header = match headers.get(IDEMPOTENCY_KEY_HEADER) {
        Some(value) => Some(value.to_str().map_err(|_| bad_id())?.trim().to_owned()),
        None => None,
    };
    let id = match (in_header, in_body) {
        (Some(header), Some(body)) if header != body => {
            return Err(ApiError::bad_request(
                "the Idempotency-Key header and the request_id field differ; send one, or the same in both",
            ))
        }
        (Some(header), _) => header,
        (None, Some(body)) => body.to_owned(),
        (None, None) => {
            return Err(ApiError::bad_request(
                "a request id is needed: an Idempotency-Key header or a request_id field",
            ))
        }
    };
    if is_valid_request_id(&id) {
        Ok(id)
    } else {
        Err(bad_id())
    }
}

fn bad_id() -> ApiError {
    ApiError::bad_request(format!(
        "a request id is 1 to {MAX_REQUEST_ID_LEN} printable ASCII characters without spaces"
    ))
}

/// The stored answer to an earlier request with this id, if there is one. The same id used for
/// a different request (another endpoint, member, amount or coupon) is `409 request_id_reused`.
pub async fn stored(
    conn: &mut AnyConnection,
    merchant_id: &str,
    request_id: &str,
    fingerprint: &str,
) -> Result<Option<Response>, ApiError> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT fingerprint, response FROM cashier_requests \
         WHERE merchant_id = $1 AND request_id = $2",
    )
    .bind(merchant_id)
    .bind(request_id)
    .fetch_optional(conn)
    .await?;
    stored_answer(row, request_id, fingerprint)
}

/// `stored`, from the request id's row (its fingerprint and answer) read by the caller.
pub fn stored_answer(
    row: Option<(String, Option<String>)>,
    request_id: &str,
    fingerprint: &str,
) -> Result<Option<Response>, ApiError> {
    match row {
        None => Ok(None),
        Some((stored, _)) if stored != fingerprint => Err(ApiError::new(
            StatusCode::CONFLICT,
            error_code::REQUEST_ID_REUSED,
            "this request id was used before for a different request; use a new id for a new request",
        )),
        Some((_, Some(body))) => Ok(Some(json_response(body, true))),
        Some((_, None)) => Err(ApiError::internal(format!(
            "cashier request {request_id} has no stored answer"
        ))),
    }
}

/// A request id and what it names, for `store`.
pub struct Claim<'a> {
    pub merchant_id: &'a str,
    pub request_id: &'a str,
    pub endpoint: &'a str,
    pub fingerprint: &'a str,
}

/// Stores the request's answer inside its transaction, as its last write. `false`: another
/// request with this id committed first; the caller rolls back (its effects must not count twice)
/// and answers with `stored`.
pub async fn store(
    conn: &mut AnyConnection,
    claim: &Claim<'_>,
    body: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO cashier_requests \
         (merchant_id, request_id, endpoint, fingerprint, response, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(claim.merchant_id)
    .bind(claim.request_id)
    .bind(claim.endpoint)
    .bind(claim.fingerprint)
    .bind(body)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Ends a cashier request that changed something: stores `answer` under the claim as the
/// transaction's last write and commits. If another request with this id committed first, this
/// one's effects are rolled back (they must not count twice) and the first one's answer is given.
pub async fn finish(
    mut tx: Transaction<'_, Any>,
    claim: &Claim<'_>,
    answer: &impl Serialize,
    now: i64,
) -> Result<Response, ApiError> {
    let body = serde_json::to_string(answer).map_err(ApiError::internal)?;
    if store(&mut tx, claim, &body, now).await? {
        tx.commit().await?;
        return Ok(json_response(body, false));
    }
    // Read inside the transaction, before rolling back: both SQLite (whose writer has the newest
    // snapshot) and PostgreSQL (read committed, after the insert waited for the twin) see the row.
    let twin = stored(
        &mut tx,
        claim.merchant_id,
        claim.request_id,
        claim.fingerprint,
    )
    .await?;
    tx.rollback().await?;
    twin.ok_or_else(|| ApiError::internal("a stored request id has no answer"))
}

/// Deletes the stored answers older than `KEEP_ANSWERS_SECS`, a batch per writer turn; how many.
pub async fn forget_old_answers(state: &AppState) -> Result<u64, sqlx::Error> {
    let cutoff = i64::try_from(state.clock.now_unix()).unwrap_or(i64::MAX) - KEEP_ANSWERS_SECS;
    let mut forgotten = 0;
    loop {
        let conn = state.db.acquire().await?;
        let mut writer = state.write_gate.writer(conn).await?;
        let deleted = sqlx::query(
            "DELETE FROM cashier_requests WHERE (merchant_id, request_id) IN \
             (SELECT merchant_id, request_id FROM cashier_requests WHERE created_at < $1 LIMIT $2)",
        )
        .bind(cutoff)
        .bind(FORGET_BATCH)
        .execute(&mut *writer)
        .await?
        .rows_affected();
        forgotten += deleted;
        if deleted < FORGET_BATCH as u64 {
            return Ok(forgotten);
        }
    }
}

/// Runs `forget_old_answers` now and then every `FORGET_EVERY`, for as long as the server runs.
pub fn keep_forgetting_old_answers(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(FORGET_EVERY);
        loop {
            every.tick().await;
            match forget_old_answers(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("forgot {n} cashier answers older than 30 days"),
                Err(e) => tracing::warn!("could not forget old cashier answers (next hour): {e}"),
            }
        }
    });
}

/// A 200 JSON answer from its text.
pub fn json_response(body: String, replayed: bool) -> Response {
    let mut response = (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    if replayed {
        response.headers_mut().insert(
            HeaderName::from_static(REPLAYED_HEADER),
            HeaderValue::from_static("true"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(key: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(key) = key {
            headers.insert(IDEMPOTENCY_KEY_HEADER, HeaderValue::from_str(key).unwrap());
        }
        headers
    }

    #[test]
    fn the_id_comes_from_the_header_or_the_body() {
        assert_eq!(request_id(&headers(Some("a1")), None).unwrap(), "a1");
        assert_eq!(request_id(&headers(None), Some("b2")).unwrap(), "b2");
        assert_eq!(request_id(&headers(Some("c3")), Some("c3")).unwrap(), "c3");
        assert!(request_id(&headers(Some("c3")), Some("d4")).is_err());
        assert!(request_id(&headers(None), None).is_err());
        assert!(request_id(&headers(None), Some("with space")).is_err());
        assert!(request_id(&headers(None), Some(&"x".repeat(129))).is_err());
        assert!(request_id(&headers(Some("")), None).is_err());
    }
}
