//! Join links: how a customer arrives at a merchant, from its QR code, a shared link or a code
//! typed by hand. `https://<wallet>/join?issuer=<issuer base URL>&code=<join code>`; without
//! `issuer` the wallet's own origin is the issuer. Anyone can craft one, so everything in it is
//! checked before the wallet contacts anyone.
//!
//! The same link with `&ref=<referral code>` is a friend's referral (`crate::referral`), and
//! `/claim?issuer=...&code=<join code>&claim=<claim code>` claims a code (`crate::claim`);
//! `crate::scan` reads all three.

use crate::claim::ClaimCode;
use crate::issuer::{IssuerUrl, IssuerUrlError};
use crate::referral::ReferralCode;
use std::fmt;

pub const MAX_JOIN_CODE_LEN: usize = 64;
pub const MAX_LINK_LEN: usize = 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinRequest {
    pub issuer: IssuerUrl,
    /// Upper-cased: join codes are matched case-insensitively.
    pub code: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JoinLinkError {
    MissingCode,
    BadCode,
    Issuer(IssuerUrlError),
}

impl fmt::Display for JoinLinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingCode => f.write_str("the join code is missing"),
            Self::BadCode => f.write_str("a join code has only letters, digits, '-' and '_'"),
            Self::Issuer(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for JoinLinkError {}

impl JoinRequest {
    /// From the `issuer` and `code` query parameters of a `/join` deep link (already decoded).
    pub fn from_params(
        issuer: Option<&str>,
        code: Option<&str>,
        own_origin: &str,
    ) -> Result<Self, JoinLinkError> {
        let code = checked_code(code.unwrap_or_default())?;
        let issuer = match issuer.map(str::trim).filter(|s| !s.is_empty()) {
            Some(issuer) => IssuerUrl::parse(issuer, Some(own_origin)),
            None => IssuerUrl::parse(own_origin, Some(own_origin)),
        }
        .map_err(JoinLinkError::Issuer)?;
        Ok(Self { issuer, code })
    }

    /// From what a customer pasted or typed: a whole join link, or just the code.
    pub fn from_pasted(text: &str, own_origin: &str) -> Result<Self, JoinLinkError> {
        let text = text.trim();
        if text.len() > MAX_LINK_LEN {
            return Err(JoinLinkError::BadCode);
        }
        match text.split_once('?') {
            Some((_, query)) if text.contains("/join") => {
                let param = |name: &str| query_param(query, name);
                Self::from_params(
                    param("issuer").as_deref(),
                    param("code").as_deref(),
                    own_origin,
                )
            }
            _ => Self::from_params(None, Some(text), own_origin),
        }
    }

    /// The link a merchant prints: `<wallet origin>/join?issuer=...&code=...`.
    pub fn to_link(&self, wallet_origin: &str) -> String {
        format!(
            "{}/join?issuer={}&code={}",
            wallet_origin.trim_end_matches('/'),
            percent_encode(self.issuer.as_str()),
            percent_encode(&self.code)
        )
    }

    /// A member's referral link: the join link with `&ref=<referral code>`.
    pub fn to_referral_link(&self, wallet_origin: &str, referral: &ReferralCode) -> String {
        format!("{}&ref={}", self.to_link(wallet_origin), referral.as_str())
    }

    /// A claim code's link: `<wallet origin>/claim?issuer=...&code=<join code>&claim=<code>`.
    /// It names the merchant by its join code, so a wallet without a card there can join first.
    pub fn to_claim_link(&self, wallet_origin: &str, claim: &ClaimCode) -> String {
        format!(
            "{}/claim?issuer={}&code={}&claim={}",
            wallet_origin.trim_end_matches('/'),
            percent_encode(self.issuer.as_str()),
            percent_encode(&self.code),
            claim.as_str()
        )
    }
}

/// 1 to 64 of `A-Z a-z 0-9 - _`.
pub fn is_join_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= MAX_JOIN_CODE_LEN
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn checked_code(code: &str) -> Result<String, JoinLinkError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(JoinLinkError::MissingCode);
    }
    if is_join_code(code) {
        Ok(code.to_ascii_uppercase())
    } else {
        Err(JoinLinkError::BadCode)
    }
}

/// The first value of `name` in an `a=b&c=d` query (fragment ignored), percent-decoded.
pub(crate) fn query_param(query: &str, name: &str) -> Option<String> {
    let query = query.split('#').next().unwrap_or_default();
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(key)? == name)
            .then(|| percent_decode(value))
            .flatten()
    })
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ORIGIN: &str = "http://127.0.0.1:8080";

    #[test]
    fn deep_link_params() {
        let join = JoinRequest::from_params(Some("https://shop.example.com"), Some("cafe"), ORIGIN)
            .unwrap();
        assert_eq!(join.issuer.as_str(), "https://shop.example.com");
        assert_eq!(join.code, "CAFE");
        let own = JoinRequest::from_params(None, Some("CAFE"), ORIGIN).unwrap();
        assert_eq!(own.issuer.as_str(), ORIGIN);
    }

    #[test]
    fn hostile_links_are_refused() {
        let err =
            |issuer: &str, code: &str| JoinRequest::from_params(Some(issuer), Some(code), ORIGIN);
        assert_eq!(
            err("javascript:alert(1)", "CAFE"),
            Err(JoinLinkError::Issuer(IssuerUrlError::NotWebAddress))
        );
        assert_eq!(err("https://a.example", "<b>"), Err(JoinLinkError::BadCode));
        assert_eq!(
            err("https://a.example", ""),
            Err(JoinLinkError::MissingCode)
        );
        assert_eq!(
            err("http://evil.example", "CAFE"),
            Err(JoinLinkError::Issuer(IssuerUrlError::Insecure))
        );
    }

    #[test]
    fn pasted_links_and_codes() {
        let link = "http://127.0.0.1:8080/join?issuer=http%3A%2F%2F127.0.0.1%3A8080&code=BOOKS";
        let join = JoinRequest::from_pasted(link, ORIGIN).unwrap();
        assert_eq!(join.code, "BOOKS");
        assert_eq!(join.issuer.as_str(), ORIGIN);
        assert_eq!(
            JoinRequest::from_pasted("  cafe ", ORIGIN).unwrap().code,
            "CAFE"
        );
        assert_eq!(
            JoinRequest::from_pasted("https://x.example/join?code=%ZZ", ORIGIN),
            Err(JoinLinkError::MissingCode)
        );
    }

    #[test]
    fn links_round_trip() {
        let join = JoinRequest::from_params(
            Some("https://shop.example.com/api"),
            Some("YAKINIKU"),
            ORIGIN,
        )
        .unwrap();
        let link = join.to_link("https://wallet.example");
        assert_eq!(
            link,
            "https://wallet.example/join?issuer=https%3A%2F%2Fshop.example.com%2Fapi&code=YAKINIKU"
        );
        assert_eq!(JoinRequest::from_pasted(&link, ORIGIN), Ok(join));
    }

    proptest! {
        #[test]
        fn never_panics(text in "\\PC{0,120}") {
            let _ = JoinRequest::from_pasted(&text, ORIGIN);
            let _ = JoinRequest::from_pasted(&format!("https://w/join?{text}"), ORIGIN);
        }
    }
}
