//! Joining a merchant: from a validated join request to a stored membership.

use crate::issuer_client::{self, IssuerError};
use crate::membership::StoredMembership;
use crate::platform::clock;
use crate::state::WalletState;
use leptos::prelude::*;
use wallet_core::loyalty::MAX_LINK_TOKENS;
use wallet_core::protocol::error_code;
use wallet_core::{JoinLinkError, JoinRequest, MembershipId};

/// Why joining did not happen. In every case nothing was stored.
#[derive(Clone, Debug, PartialEq)]
pub enum JoinFailure {
    Link(JoinLinkError),
    UnknownCode,
    Garbage,
    Offline,
    Unreachable {
        host: String,
    },
    Server,
    /// The issuer limits joins from one network; this one has had many just now.
    TooMany,
    Storage,
    Conflict,
}

impl JoinFailure {
    /// The same join may work a little later: the network, the issuer or its limit.
    pub fn is_worth_retrying(&self) -> bool {
        matches!(
            self,
            Self::Offline | Self::Unreachable { .. } | Self::Server | Self::TooMany
        )
    }
}

/// Joins, or opens the membership this same join link made before.
pub async fn join(state: WalletState, request: JoinRequest) -> Result<MembershipId, JoinFailure> {
    // The wallet may still be loading when a deep link opens the app.
    state.reload().await.map_err(|_| JoinFailure::Storage)?;
    let existing = state.memberships.with_untracked(|all| {
        all.iter()
            .find(|m| m.is_same_join(&request.issuer, &request.code))
            .map(|m| m.id.clone())
    });
    if let Some(id) = existing {
        return Ok(id);
    }

    let link_tokens = state.memberships.with_untracked(|all| {
        all.iter()
            .filter(|m| m.issuer == request.issuer)
            .take(MAX_LINK_TOKENS)
            .map(|m| m.token.clone())
            .collect()
    });
    let response = issuer_client::enroll(&request.issuer, &request.code, link_tokens)
        .await
        .map_err(|error| failure(error, &request))?;
    if state.contains(&response.membership.id) {
        return Err(JoinFailure::Conflict);
    }
    let membership = StoredMembership::from_enrollment(
        request.issuer.clone(),
        &request.code,
        response,
        clock::now_millis(),
    );
    let id = membership.id.clone();
    state.add(membership).await.map_err(|error| {
        web_sys::console::error_1(&error.to_string().into());
        JoinFailure::Storage
    })?;
    Ok(id)
}

fn failure(error: IssuerError, request: &JoinRequest) -> JoinFailure {
    web_sys::console::warn_1(&format!("join failed: {error}").into());
    match error {
        IssuerError::Offline => JoinFailure::Offline,
        IssuerError::Unreachable => JoinFailure::Unreachable {
            host: request.issuer.host().to_owned(),
        },
        IssuerError::Garbage | IssuerError::Unauthorized => JoinFailure::Garbage,
        rejected if rejected.is_code(error_code::JOIN_CODE_UNKNOWN) => JoinFailure::UnknownCode,
        rejected if rejected.is_code(error_code::RATE_LIMITED) => JoinFailure::TooMany,
        IssuerError::Rejected { status, .. } if status >= 500 => JoinFailure::Server,
        // A 4xx we did not expect means the issuer and we disagree on the protocol.
        IssuerError::Rejected { .. } => JoinFailure::Garbage,
    }
}
