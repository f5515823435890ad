//! Bearer authentication: the header both wallets (membership token) and tills (cashier key)
//! send, and the wallet side's extractor.

use super::error::ApiError;
use crate::state::AppState;
use crate::store::memberships;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use wallet_core::protocol::MAX_TOKEN_LEN;

/// The credential of `Authorization: Bearer <credential>` (scheme case-insensitive), if it is
/// present, not empty and at most `max_len` bytes. Longer cannot be one we issued; refusing it
/// early bounds the work a stranger can cause.
pub fn bearer_token(parts: &Parts, max_len: usize) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, credential)| credential.trim())
        .filter(|credential| !credential.is_empty() && credential.len() <= max_len)
}

/// A request authenticated with `Authorization: Bearer <membership token>` from enroll.
pub struct Member {
    pub membership_id: String,
}

impl FromRequestParts<AppState> for Member {
    type Rejection = ApiError;

    // Runs before the body is read, so an unauthenticated caller learns nothing about the body.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer_token(parts, MAX_TOKEN_LEN).ok_or_else(|| {
            ApiError::unauthorized(
                "a membership token is needed: Authorization: Bearer <token from enroll>",
            )
        })?;
        let membership_id = memberships::by_token(&state.store.pool, token)
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized("this membership token is not valid (signed out)")
            })?;
        Ok(Self { membership_id })
    }
}
