//! `POST /v1/cashier/redeem`: a cashier redeems a coupon from its QR (`MWC1:<code>`) or its typed
//! code. One conditional update decides: of two cashiers redeeming one coupon at the same moment,
//! exactly one succeeds and the other is told it was already used.

use super::answers::{self, finish};
use super::Cashier;
use crate::http::error::ApiError;
use crate::http::json::ApiJson;
use crate::loyalty::coupons::{self, RedeemRefusal};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use wallet_core::cashier::{error_code, RedeemRequest, RedeemResponse};
use wallet_core::{CouponCode, MembershipId};

const ENDPOINT: &str = "redeem";

impl From<RedeemRefusal> for ApiError {
    fn from(refusal: RedeemRefusal) -> Self {
        let (status, code, message) = match refusal {
            RedeemRefusal::Unknown => (
                StatusCode::NOT_FOUND,
                error_code::COUPON_UNKNOWN,
                "there is no coupon with this code",
            ),
            RedeemRefusal::OtherMerchant => (
                StatusCode::FORBIDDEN,
                error_code::COUPON_OTHER_MERCHANT,
                "this coupon belongs to another shop and cannot be redeemed here",
            ),
            RedeemRefusal::AlreadyUsed => (
                StatusCode::CONFLICT,
                error_code::COUPON_ALREADY_USED,
                "this coupon was already used",
            ),
            RedeemRefusal::Expired => (
                StatusCode::GONE,
                error_code::COUPON_EXPIRED,
                "this coupon has expired",
            ),
            RedeemRefusal::NotYetValid => (
                StatusCode::UNPROCESSABLE_ENTITY,
                error_code::COUPON_NOT_YET_VALID,
                "this coupon is not valid yet",
            ),
        };
        ApiError::new(status, code, message)
    }
}

pub async fn redeem(
    State(state): State<AppState>,
    cashier: Cashier,
    headers: HeaderMap,
    ApiJson(request): ApiJson<RedeemRequest>,
) -> Result<Response, ApiError> {
    let request_id = answers::request_id(&headers, request.request_id.as_deref())?;
    let code = CouponCode::parse(&request.coupon_code).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            error_code::COUPON_CODE_MALFORMED,
            e.to_string(),
        )
    })?;
    let fingerprint = format!("{ENDPOINT}:{code}");
    let merchant_id = cashier.merchant_id.as_str();
    let claim = cashier.claim(&request_id, ENDPOINT, &fingerprint);

    let mut conn = state.store.read().await?;
    if let Some(stored) = cashier.replay_earlier(&state, &mut conn, &claim).await? {
        return Ok(stored);
    }
    let now = state.now();
    let mut tx = state.store.write_after(conn).await?;
    let coupon = match coupons::redeem(&mut tx, &code, merchant_id, now).await? {
        Ok(coupon) => coupon,
        Err(refusal) => {
            tx.rollback().await?;
            // The same request racing itself (a double tap): the first one's answer.
            if refusal == RedeemRefusal::AlreadyUsed {
                let mut conn = state.store.read().await?;
                if let Some(stored) = answers::stored(&mut conn, &claim).await? {
                    return Ok(stored);
                }
            }
            return Err(refusal.into());
        }
    };
    let answer = RedeemResponse {
        request_id: request_id.clone(),
        coupon_code: code,
        membership_id: MembershipId::parse(&coupon.membership_id).ok_or_else(|| {
            ApiError::internal(format!("coupon {} has a bad membership id", coupon.code))
        })?,
        merchant_id: coupon.merchant_id.clone(),
        title: coupon.title(),
        terms: coupon.terms(),
        used_at: now,
    };
    finish(tx, &claim, &answer, now).await
}
