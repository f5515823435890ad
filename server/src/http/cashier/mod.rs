//! The cashier (POS) endpoints: a till authenticated by its merchant's cashier key reads a member
//! code (`scan`), records a purchase (`purchase`), redeems a coupon (`redeem`) or adjusts points
//! and stamps (`adjust`). This module holds what they share: the key, the member-code refusals
//! and their rate limits; `answers` holds request ids and stored answers.

pub mod adjust;
pub mod answers;
pub mod campaign_end;
pub mod campaign_grant;
pub mod claim_codes;
pub mod member_code;
pub mod messages;
pub mod poster;
pub mod purchase;
pub mod redeem;
pub mod scan;
pub mod surveys;

pub use answers::REPLAYED_HEADER;

use super::auth::bearer_token;
use super::client_address::client_key_of;
use super::error::ApiError;
use crate::loyalty::rules::MerchantRules;
use crate::state::AppState;
use crate::store::idempotency::{self, Claim};
use crate::store::secrets::sha256_hex;
use crate::store::{merchants, KeyChecked};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::Response;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection};
use std::sync::Arc;
use wallet_core::protocol::error_code;
use wallet_core::MemberCode;

/// Longer cannot be a key we issued; refusing it early bounds the work a stranger can cause.
const MAX_KEY_LEN: usize = 256;

/// A request authenticated with `Authorization: Bearer <cashier key>`.
pub struct Cashier {
    pub merchant_id: String,
    /// The key's hash: each endpoint's first read checks that it is still the merchant's key
    /// (`still_valid`), as the check here may have come from the cache of valid keys.
    pub key_hash: String,
}

impl Cashier {
    /// What a request of this till with `request_id` names (`endpoint` and what it asks).
    pub fn claim<'a>(
        &'a self,
        request_id: &'a str,
        endpoint: &'a str,
        fingerprint: &'a str,
    ) -> Claim<'a> {
        Claim {
            merchant_id: &self.merchant_id,
            request_id,
            endpoint,
            fingerprint,
        }
    }

    /// The first read of a request that names only its id (a redeem, an adjustment): the stored
    /// answer of an earlier request with this id, if any, checking the key on the way.
    pub async fn replay_earlier(
        &self,
        state: &AppState,
        conn: &mut AnyConnection,
        claim: &Claim<'_>,
    ) -> Result<Option<Response>, ApiError> {
        let read =
            idempotency::stored_for_key(conn, claim.merchant_id, &self.key_hash, claim.request_id);
        let earlier = self.still_valid(state, read.await?)?;
        answers::replay(earlier, claim)
    }

    /// The first read of a request that stores no answer (results, a poster, a campaign's end):
    /// a connection, with the key checked on it.
    pub async fn checked_read(&self, state: &AppState) -> Result<PoolConnection<Any>, ApiError> {
        let mut conn = state.store.read().await?;
        let checked =
            merchants::cashier_key_checked(&mut conn, &self.merchant_id, &self.key_hash).await?;
        self.still_valid(state, checked)?;
        Ok(conn)
    }

    /// The merchant's rules (`loyalty::rules`, cached a few seconds).
    pub async fn rules(
        &self,
        state: &AppState,
        conn: &mut AnyConnection,
    ) -> Result<Arc<MerchantRules>, ApiError> {
        let merchant_id = &self.merchant_id;
        state
            .rules
            .get(conn, merchant_id)
            .await?
            .ok_or_else(|| ApiError::internal(format!("merchant {merchant_id} has no row")))
    }

    /// `Err(401)` when the first read found the key revoked or replaced since it was cached;
    /// the cache forgets it then, so the next request is refused before its body is read.
    pub fn still_valid<T>(&self, state: &AppState, read: KeyChecked<T>) -> Result<T, ApiError> {
        if read.key_valid {
            return Ok(read.found);
        }
        state.cashier_keys.forget(&self.key_hash);
        Err(ApiError::unauthorized("this cashier key is not valid"))
    }
}

impl FromRequestParts<AppState> for Cashier {
    type Rejection = ApiError;

    // Runs before the body is read, so an unauthenticated caller learns nothing about the body.
    // Wrong keys are counted per client address: over the limit, even a right key waits, so
    // keys cannot be guessed at the speed of the network.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let client = client_key_of(state, parts);
        let now = state.clock.now_unix();
        if let Some(wait) = client
            .as_deref()
            .and_then(|client| state.key_failures.retry_after(client, now))
        {
            return Err(ApiError::rate_limited(wait));
        }
        let refused = |message| {
            if let Some(client) = &client {
                state.key_failures.record(client, now);
            }
            ApiError::unauthorized(message)
        };
        let Some(key) = bearer_token(parts, MAX_KEY_LEN) else {
            return Err(refused(
                "a cashier key is needed: Authorization: Bearer <key>",
            ));
        };
        match state.cashier_keys.merchant(&state.store.pool, key).await? {
            Some(merchant_id) => Ok(Self {
                merchant_id,
                key_hash: sha256_hex(key),
            }),
            None => Err(refused("this cashier key is not valid")),
        }
    }
}

/// The answers that count as a failed attempt for rate limiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    MembershipUnknown,
    CodeInvalid,
    CodeExpired,
    CodeAlreadyUsed,
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        let (status, code, message) = match refusal {
            Refusal::MembershipUnknown => (
                StatusCode::NOT_FOUND,
                error_code::MEMBERSHIP_UNKNOWN,
                "this member is not a member of this shop",
            ),
            Refusal::CodeInvalid => (
                StatusCode::UNPROCESSABLE_ENTITY,
                error_code::CODE_INVALID,
                "the member code is not valid",
            ),
            Refusal::CodeExpired => (
                StatusCode::UNPROCESSABLE_ENTITY,
                error_code::CODE_EXPIRED,
                "the member code has expired; ask the member to show the current code",
            ),
            Refusal::CodeAlreadyUsed => (
                StatusCode::CONFLICT,
                error_code::CODE_ALREADY_USED,
                "this member code was already used; ask the member to wait for the next code",
            ),
        };
        ApiError::new(status, code, message)
    }
}

/// `429` while this cashier key, or this membership at this cashier's shop, is over its limit of
/// failed attempts. A member over the limit is refused even with the right code: otherwise the
/// limit would only slow guessing down, not stop it.
pub(crate) fn check_limits(
    state: &AppState,
    cashier: &Cashier,
    member_code: &MemberCode,
    now: u64,
) -> Result<(), ApiError> {
    let wait = [
        state
            .cashier_failures
            .retry_after(&cashier.merchant_id, now),
        state
            .member_failures
            .retry_after(&member_key(cashier, member_code), now),
    ]
    .into_iter()
    .flatten()
    .max();
    match wait {
        Some(wait) => Err(ApiError::rate_limited(wait)),
        None => Ok(()),
    }
}

/// Counts a failed attempt against the key and (at this shop) the membership, and makes its
/// answer. A code of another shop's member counts against the key only: otherwise one shop's
/// till could lock another shop's members out.
pub(crate) fn refuse(
    state: &AppState,
    cashier: &Cashier,
    member_code: &MemberCode,
    now: u64,
    refusal: Refusal,
) -> ApiError {
    state.cashier_failures.record(&cashier.merchant_id, now);
    if refusal != Refusal::MembershipUnknown {
        state
            .member_failures
            .record(&member_key(cashier, member_code), now);
    }
    refusal.into()
}

/// Whose failed attempts a member's limit counts: this membership at this cashier's shop.
fn member_key(cashier: &Cashier, member_code: &MemberCode) -> String {
    format!("{}:{}", cashier.merchant_id, member_code.membership_id)
}
