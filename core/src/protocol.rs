//! Wallet Sync Protocol v1: the JSON bodies exchanged with an issuer. docs/protocol.md and
//! docs/openapi.yaml are the normative text; these types are what both our sides compile against.

use crate::base32;
use crate::model::{MembershipId, MerchantDisplay};
use crate::totp::{Totp, TotpAlgorithm};
use serde::{Deserialize, Serialize};
use std::fmt;

/// `POST {base}/v1/enroll`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub join_code: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub membership: MembershipGrant,
    pub totp: TotpParams,
    pub merchant: MerchantDisplay,
    /// What the request's `referral_code` did; absent without one (§16).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referral: Option<crate::referral::EnrollReferral>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipGrant {
    pub id: MembershipId,
    /// Bearer token for this membership's later requests. Opaque to the wallet.
    pub token: String,
    /// Unix seconds.
    pub member_since: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpParams {
    /// RFC 4648 base32, as in `otpauth://` URIs.
    pub secret: String,
    #[serde(default)]
    pub algorithm: TotpAlgorithm,
    pub digits: u32,
    pub period: u64,
}

impl TotpParams {
    pub fn from_totp(totp: &Totp) -> Self {
        Self {
            secret: base32::encode(totp.secret()),
            algorithm: totp.algorithm,
            digits: totp.digits,
            period: totp.period_secs,
        }
    }

    /// The generator, if the parameters are within what the protocol allows.
    pub fn to_totp(&self) -> Option<Totp> {
        let secret = base32::decode(&self.secret)?;
        let valid = (16..=64).contains(&secret.len())
            && (6..=10).contains(&self.digits)
            && (15..=120).contains(&self.period);
        valid.then(|| Totp::with_params(secret, self.algorithm, self.digits, self.period))
    }
}

pub const MAX_TOKEN_LEN: usize = 512;

/// Why an issuer's answer was refused before anything was stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidResponse {
    Token,
    Totp,
    Merchant,
}

impl fmt::Display for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Token => "the membership token is not valid",
            Self::Totp => "the member code settings are not valid",
            Self::Merchant => "the merchant's details are not valid",
        })
    }
}

impl EnrollResponse {
    /// Everything the wallet will store and show, checked. Serde already checked the shapes and
    /// the membership id; this checks the values.
    pub fn validate(&self) -> Result<Totp, InvalidResponse> {
        let token = &self.membership.token;
        if token.is_empty()
            || token.len() > MAX_TOKEN_LEN
            || !token.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(InvalidResponse::Token);
        }
        if !self.merchant.is_valid() {
            return Err(InvalidResponse::Merchant);
        }
        self.totp.to_totp().ok_or(InvalidResponse::Totp)
    }
}

/// `POST {base}/v1/cashier/scan`, authenticated with `Authorization: Bearer <cashier key>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanRequest {
    /// The scanned QR payload, or what the cashier typed.
    pub payload: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanResponse {
    pub membership_id: MembershipId,
    pub merchant_id: String,
    pub member_since: i64,
}

/// Every error answer: `{"error": {"code": "...", "message": "..."}}`. `code` is stable and
/// machine-readable; `message` is for a person and may change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

/// The stable error codes of v1.
pub mod error_code {
    pub const BAD_REQUEST: &str = "bad_request";
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const NOT_FOUND: &str = "not_found";
    pub const JOIN_CODE_UNKNOWN: &str = "join_code_unknown";
    pub const MEMBER_CODE_MALFORMED: &str = "member_code_malformed";
    pub const MEMBERSHIP_UNKNOWN: &str = "membership_unknown";
    pub const CODE_INVALID: &str = "code_invalid";
    pub const CODE_EXPIRED: &str = "code_expired";
    pub const CODE_ALREADY_USED: &str = "code_already_used";
    pub const RATE_LIMITED: &str = "rate_limited";
    /// `422`: enroll's LINE ID token is forged, expired or for another channel (§4.3).
    pub const LINE_ID_TOKEN_INVALID: &str = "line_id_token_invalid";
    /// `503`: the issuer could not ask LINE about the token; try again later (§4.3).
    pub const LINE_UNAVAILABLE: &str = "line_unavailable";
    pub const INTERNAL: &str = "internal";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BrandColor, LocalizedText};

    fn response() -> EnrollResponse {
        EnrollResponse {
            membership: MembershipGrant {
                id: MembershipId::from_random(42),
                token: "tok_abc".into(),
                member_since: 1_700_000_000,
            },
            totp: TotpParams::from_totp(&Totp::new(vec![7; 20])),
            merchant: MerchantDisplay {
                id: "cafe".into(),
                name: LocalizedText::new("晨光咖啡", "Morning Light Café"),
                tagline: LocalizedText::new("手沖與甜點", "Pour-over and pastries"),
                brand_color: BrandColor::parse("#6b4f3a").unwrap(),
                mark: "晨".into(),
            },
            referral: None,
        }
    }

    #[test]
    fn a_valid_response_round_trips_through_json() {
        let json = serde_json::to_string(&response()).unwrap();
        assert!(json.contains("\"zh-TW\":\"晨光咖啡\""));
        assert!(json.contains("\"brand_color\":\"#6b4f3a\""));
        let back: EnrollResponse = serde_json::from_str(&json).unwrap();
        assert_eq!(back, response());
        assert_eq!(back.validate().unwrap().secret(), &[7; 20]);
    }

    #[test]
    fn hostile_values_are_refused() {
        let mut r = response();
        r.membership.token = "a b".into();
        assert_eq!(r.validate(), Err(InvalidResponse::Token));
        let mut r = response();
        r.totp.secret = "!!!".into();
        assert_eq!(r.validate(), Err(InvalidResponse::Totp));
        let mut r = response();
        r.totp.secret = "AAAA".into();
        assert_eq!(
            r.validate(),
            Err(InvalidResponse::Totp),
            "a secret too short to be safe"
        );
        let mut r = response();
        r.merchant.name.en = "<img src=x>\u{202e}".into();
        assert_eq!(r.validate(), Err(InvalidResponse::Merchant));
    }

    #[test]
    fn garbage_json_is_an_error_not_a_panic() {
        for body in [
            "",
            "null",
            "[]",
            "{\"membership\":1}",
            "<html>",
            "{\"membership\":{\"id\":\"x\"}}",
        ] {
            assert!(
                serde_json::from_str::<EnrollResponse>(body).is_err(),
                "{body}"
            );
        }
    }
}
