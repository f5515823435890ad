//! A JSON body extractor whose rejections (not JSON, wrong shape, wrong content type, too large)
//! answer with the protocol's error body instead of axum's plain text.

use super::error::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::Json;
use serde::de::DeserializeOwned;
use wallet_core::protocol::error_code;

/// Request bodies larger than this are refused (the protocol's documented limit).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_to_error(&rejection)),
        }
    }
}

/// Too large (413) and not JSON (415) keep their statuses; a body that is JSON but not the right
/// shape is a plain 400 rather than axum's 422, which this API reserves for a refused member code.
fn rejection_to_error(rejection: &JsonRejection) -> ApiError {
    let (status, message) = match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request body is larger than {} KB",
                MAX_BODY_BYTES / 1024
            ),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the request body must be JSON, sent with Content-Type: application/json".to_owned(),
        ),
        _ => (StatusCode::BAD_REQUEST, rejection.body_text()),
    };
    ApiError::new(status, error_code::BAD_REQUEST, message)
}
