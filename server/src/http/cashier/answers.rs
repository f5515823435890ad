//! Request ids and the answers stored under them, as HTTP (docs/protocol.md section 11.5): the id
//! from the `Idempotency-Key` header or the `request_id` field, a stored answer replayed with
//! `Idempotent-Replayed: true`, and the end of every cashier request that changed something.

use crate::http::error::ApiError;
use crate::store::idempotency::{self, Claim, Finished, StoredRequest};
use crate::store::WriteTx;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sqlx::AnyConnection;
use wallet_core::cashier::{
    error_code, is_valid_request_id, IDEMPOTENCY_KEY_HEADER, MAX_REQUEST_ID_LEN,
};

/// Set on an answer that is the stored answer of an earlier request with the same id.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

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
    claim: &Claim<'_>,
) -> Result<Option<Response>, ApiError> {
    let row = idempotency::stored(conn, claim.merchant_id, claim.request_id).await?;
    replay(row, claim)
}

/// `stored`, from the request id's row as the caller read it.
pub fn replay(row: Option<StoredRequest>, claim: &Claim<'_>) -> Result<Option<Response>, ApiError> {
    match row {
        None => Ok(None),
        Some(stored) if stored.fingerprint != claim.fingerprint => Err(ApiError::new(
            StatusCode::CONFLICT,
            error_code::REQUEST_ID_REUSED,
            "this request id was used before for a different request; use a new id for a new request",
        )),
        Some(StoredRequest {
            response: Some(body),
            ..
        }) => Ok(Some(json_response(body, true))),
        Some(StoredRequest { response: None, .. }) => Err(ApiError::internal(format!(
            "cashier request {} has no stored answer",
            claim.request_id
        ))),
    }
}

/// Ends a cashier request that changed something: stores `answer` under the claim and commits;
/// if another request with this id committed first, this one's effects are rolled back and the
/// first one's answer is given.
pub async fn finish(
    tx: WriteTx<'_>,
    claim: &Claim<'_>,
    answer: &impl Serialize,
    now: i64,
) -> Result<Response, ApiError> {
    let body = serde_json::to_string(answer).map_err(ApiError::internal)?;
    match idempotency::finish(tx, claim, body, now).await? {
        Finished::Committed(body) => Ok(json_response(body, false)),
        Finished::Twin(row) => replay(row, claim)?
            .ok_or_else(|| ApiError::internal("a stored request id has no answer")),
    }
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
