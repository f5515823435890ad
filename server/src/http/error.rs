//! Every failure a client can see, as one type that renders the protocol's error body
//! `{"error": {"code", "message"}}` with a stable code from `wallet_core::protocol::error_code`.

use crate::store::{sync_log, StoreError};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::fmt;
use wallet_core::protocol::{error_code, ErrorBody, ErrorDetail};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds, sent as `Retry-After`.
    pub retry_after: Option<u64>,
    /// What went wrong on the server, for the log when the answer is sent; never sent itself.
    pub cause: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
            cause: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, error_code::NOT_FOUND, message)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self::too_many(
            retry_after_secs,
            format!("too many failed attempts; try again in {retry_after_secs} seconds"),
        )
    }

    pub fn too_many_joins(retry_after_secs: u64) -> Self {
        Self::too_many(
            retry_after_secs,
            format!("too many joins from this address; try again in {retry_after_secs} seconds"),
        )
    }

    pub fn too_many_syncs(retry_after_secs: u64) -> Self {
        Self::too_many(
            retry_after_secs,
            format!("too many syncs; try again in {retry_after_secs} seconds"),
        )
    }

    /// A new installation of a membership that has `MAX_CLIENTS_PER_MEMBERSHIP` in use.
    pub fn too_many_clients() -> Self {
        let wait = u64::try_from(sync_log::CLIENT_IDLE_SECS).unwrap_or(u64::MAX);
        Self::too_many(
            wait,
            format!(
                "this membership already syncs from {} installations; one must be idle for 30 days \
                 before another can push",
                sync_log::MAX_CLIENTS_PER_MEMBERSHIP
            ),
        )
    }

    fn too_many(retry_after_secs: u64, message: String) -> Self {
        Self {
            retry_after: Some(retry_after_secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                error_code::RATE_LIMITED,
                message,
            )
        }
    }

    /// The cause goes to the log (when the answer is sent), never to the client: it may name
    /// tables or hosts.
    pub fn internal(cause: impl fmt::Display) -> Self {
        Self {
            cause: Some(cause.to_string()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                error_code::INTERNAL,
                "something went wrong on the server; please try again",
            )
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl std::error::Error for ApiError {}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            tracing::error!("internal error: {cause}");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// For `/v1/...` paths that name no endpoint.
pub async fn api_not_found() -> ApiError {
    ApiError::not_found("there is no such endpoint in this API version")
}

/// For an endpoint called with the wrong method (e.g. `GET /v1/enroll`).
pub async fn api_method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        error_code::BAD_REQUEST,
        "this endpoint does not accept this HTTP method",
    )
}
