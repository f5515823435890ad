//! Joining a merchant: from a validated join request to a stored membership.

use crate::issuer_client::{self, IssuerError};
use crate::membership::StoredMembership;
use crate::platform::clock;
use crate::state::WalletState;
use crate::storage::sync_store;
use leptos::prelude::*;
use wallet_core::loyalty::{EnrollBody, MAX_LINK_TOKENS};
use wallet_core::protocol::error_code;
use wallet_core::referral::{error_code as referral_error, ReferralCode};
use wallet_core::sync::EntityKind;
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
    /// The link's `ref=` is not a referral code.
    BadReferral,
    /// A claim link whose `claim=` is not a claim code.
    BadClaim,
    /// The friend's referral code is no member's of this shop.
    ReferralUnknown,
    /// The referral code is one of this wallet's own memberships.
    ReferralSelf,
    /// A friend's link to a shop whose card is in the wallet already: a friend's gift is for new
    /// members (the card is not joined again).
    ReferralAlreadyMember,
    /// In LINE: the issuer did not accept LINE's sign-in (expired or not LINE's).
    LineSignIn,
}

/// What a join carries besides the link: a friend's referral code (`ref=` in the link), and in
/// LINE's browser the LIFF ID token. Both go to the issuer once, with the enroll request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JoinExtras {
    pub referral: Option<ReferralCode>,
    pub line_id_token: Option<String>,
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
pub async fn join(
    state: WalletState,
    request: JoinRequest,
    extras: JoinExtras,
) -> Result<MembershipId, JoinFailure> {
    // The wallet may still be loading when a deep link opens the app.
    state.reload().await.map_err(|_| JoinFailure::Storage)?;
    let existing = state.memberships.with_untracked(|all| {
        all.iter()
            .find(|m| m.is_same_join(&request.issuer, &request.code))
            .map(|m| m.id.clone())
    });
    if let Some(id) = existing {
        return match extras.referral {
            Some(code) if own_referral_code(&id).await.as_deref() == Some(code.as_str()) => {
                Err(JoinFailure::ReferralSelf)
            }
            Some(_) => Err(JoinFailure::ReferralAlreadyMember),
            None => Ok(id),
        };
    }

    let link_tokens = state.memberships.with_untracked(|all| {
        all.iter()
            .filter(|m| m.issuer == request.issuer)
            .take(MAX_LINK_TOKENS)
            .map(|m| m.token.clone())
            .collect()
    });
    let body = EnrollBody {
        join_code: request.code.clone(),
        link_tokens,
        referral_code: extras.referral.map(|code| code.as_str().to_owned()),
        line_id_token: extras.line_id_token,
    };
    let response = issuer_client::enroll(&request.issuer, &body)
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

/// The membership's own referral code, as its issuer last sent it.
async fn own_referral_code(id: &MembershipId) -> Option<String> {
    let records = sync_store::entities_of_kinds(id.as_str(), &[EntityKind::Referral])
        .await
        .ok()?;
    let data = records.into_iter().find(|r| !r.deleted)?.data?;
    Some(data.get("code")?.as_str()?.to_owned())
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
        rejected if rejected.is_code(referral_error::REFERRAL_CODE_UNKNOWN) => {
            JoinFailure::ReferralUnknown
        }
        rejected if rejected.is_code(referral_error::REFERRAL_SELF) => JoinFailure::ReferralSelf,
        rejected if rejected.is_code(error_code::LINE_ID_TOKEN_INVALID) => JoinFailure::LineSignIn,
        IssuerError::Rejected { status, .. } if status >= 500 => JoinFailure::Server,
        // A 4xx we did not expect means the issuer and we disagree on the protocol.
        IssuerError::Rejected { .. } => JoinFailure::Garbage,
    }
}
