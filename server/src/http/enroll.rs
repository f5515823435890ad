//! `POST /v1/enroll`: a customer joins a merchant with its join code.

use super::client_address::client_key;
use super::error::ApiError;
use super::json::ApiJson;
use super::line_id::{LineRefusal, LineUser};
use crate::loyalty::enrollment;
use crate::loyalty::referrals::{self, ReferralRefusal};
use crate::state::AppState;
use crate::store::memberships::NewMembership;
use crate::store::merchants;
use crate::store::secrets::{new_membership_token, random_bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use std::net::SocketAddr;
use wallet_core::loyalty::EnrollBody;
use wallet_core::protocol::{error_code, EnrollResponse, MembershipGrant, TotpParams};
use wallet_core::referral::{error_code as referral_code, EnrollReferral};
use wallet_core::{base32, MembershipId, Totp};

/// 160 bits, the HMAC-SHA1 key size RFC 4226 recommends.
const TOTP_SECRET_BYTES: usize = 20;
/// A clash of 60-bit random ids is so unlikely that more than one retry means something else
/// is wrong.
const ID_ATTEMPTS: usize = 3;

pub async fn enroll(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<EnrollBody>,
) -> Result<Json<EnrollResponse>, ApiError> {
    // Every attempt counts, a wrong join code too: guessing codes is slowed down as well.
    if let (Some(limiter), Some(client)) = (&state.enrolls, client_key(&state, peer, &headers)) {
        limiter
            .take(&client, state.clock.now_unix())
            .map_err(ApiError::too_many_joins)?;
    }
    let merchant = merchants::by_join_code(&state.store.pool, &request.join_code)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                error_code::JOIN_CODE_UNKNOWN,
                "this join code does not belong to any merchant here",
            )
        })?;
    let display = merchant.display()?;
    let line_user = verify_line(&state, request.line_id_token).await?;
    let line_user_id = line_user.as_ref().map(|user| user.sub.as_str());
    let mut conn = state.store.read().await?;
    let rules = state
        .rules
        .get(&mut conn, &merchant.id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("merchant {} has no row", merchant.id)))?;
    // A wallet joining a brand of a group it already holds a membership of shares that points
    // balance (docs/protocol.md 4.2).
    let link = enrollment::find_link(&mut conn, &rules, &request.link_tokens).await?;
    // A friend's referral code (protocol.md §16): checked before anything is written.
    let referral = match request.referral_code.as_deref() {
        None => None,
        Some(code) => {
            match referrals::check(&mut conn, &rules, code, &request.link_tokens, line_user_id)
                .await?
            {
                Ok(referral) => Some(referral),
                Err(ReferralRefusal::Unknown) => {
                    return Err(ApiError::new(
                        StatusCode::NOT_FOUND,
                        referral_code::REFERRAL_CODE_UNKNOWN,
                        "this referral code belongs to no member of this shop",
                    ))
                }
                Err(ReferralRefusal::SelfReferral) => {
                    return Err(ApiError::new(
                        StatusCode::CONFLICT,
                        referral_code::REFERRAL_SELF,
                        "this is your own referral code: share it with a friend instead",
                    ))
                }
            }
        }
    };

    let totp = Totp::new(random_bytes::<TOTP_SECRET_BYTES>()?.to_vec());
    let token = new_membership_token()?;
    let member_since = state.now();

    let totp_secret = base32::encode(totp.secret());
    let mut conn = Some(conn);
    for _ in 0..ID_ATTEMPTS {
        let id = MembershipId::from_random(u64::from_le_bytes(random_bytes::<8>()?) >> 4);
        let mut tx = match conn.take() {
            Some(conn) => state.store.write_after(conn).await?,
            None => state.store.write().await?,
        };
        let membership = NewMembership {
            id: id.as_str(),
            merchant_id: &merchant.id,
            token: &token,
            totp_secret: &totp_secret,
            member_since,
            line_user_id,
        };
        // One transaction: a membership never exists without the entities its first pull shows.
        // A taken id: this transaction is dropped (rolled back) and the next try has its own.
        if !enrollment::join(
            &mut tx,
            &rules,
            &membership,
            &display,
            link.as_ref(),
            referral.as_ref(),
        )
        .await?
        {
            continue;
        }
        tx.commit().await?;
        return Ok(Json(EnrollResponse {
            membership: MembershipGrant {
                id,
                token,
                member_since,
            },
            totp: TotpParams::from_totp(&totp),
            merchant: display,
            referral: referral.map(|r| EnrollReferral { status: r.status }),
        }));
    }
    Err(ApiError::internal(
        "no free membership id after several tries",
    ))
}

/// The LINE user of the request's ID token, verified with LINE (protocol.md §4.3). Without a
/// configured LINE channel the token is ignored; no profile the wallet sends is ever read.
async fn verify_line(
    state: &AppState,
    id_token: Option<String>,
) -> Result<Option<LineUser>, ApiError> {
    let (Some(verifier), Some(id_token)) = (&state.line, id_token) else {
        return Ok(None);
    };
    match verifier.verify(id_token).await {
        Ok(user) => Ok(Some(user)),
        Err(LineRefusal::Invalid(why)) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            error_code::LINE_ID_TOKEN_INVALID,
            why,
        )),
        Err(LineRefusal::Unavailable(why)) => {
            tracing::warn!("LINE ID token not verified: {why}");
            Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                error_code::LINE_UNAVAILABLE,
                "LINE could not be asked about your login just now; try again in a minute",
            ))
        }
    }
}
