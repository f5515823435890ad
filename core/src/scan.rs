//! What a scanned QR (or typed text) may do in the wallet, decided in one place: join a merchant,
//! join with a friend's referral, or claim a code. Anything else is refused with a reason that
//! says what it was, before anything is stored or anyone is contacted (docs/protocol.md §4.1).
//!
//! A QR can hold anything anyone printed, so the text is bounded and checked for binary and
//! hidden characters before it is looked at, and only wallet links of the three shapes pass:
//!
//! ```text
//! https://<wallet>/join?issuer=<issuer>&code=<join code>                 join
//! https://<wallet>/join?issuer=<issuer>&code=<join code>&ref=<referral>  join with a referral
//! https://<wallet>/claim?issuer=<issuer>&code=<join code>&claim=<claim>  claim a code
//! ```
//!
//! Without `issuer` the link's own origin is the issuer. The path may have a prefix (a wallet
//! served under `/wallet/join`). Typed text may also be a bare join code.

use crate::claim::ClaimCode;
use crate::coupon_code::CouponCode;
use crate::issuer::{IssuerUrl, IssuerUrlError};
use crate::join_link::{is_join_code, query_param, JoinRequest};
use crate::member_code::{MemberCode, MemberCodeError};
use crate::model::MembershipId;
use crate::referral::ReferralCode;
use std::fmt;

/// Longer text is refused before it is looked at. A wallet link is about 150 bytes; 1 KiB leaves
/// room for a long issuer path and is far below what a QR can hold (about 3 KB).
pub const MAX_SCAN_BYTES: usize = 1024;

/// Where the text came from and what the wallet already holds.
#[derive(Clone, Copy, Debug)]
pub struct ScanContext<'a> {
    /// The wallet page's origin (`https://wallet.example`): a link without `issuer` from this
    /// origin joins this origin's issuer, and its plain `http://` is trusted (a LAN demo).
    pub own_origin: &'a str,
    /// The memberships in this wallet: a member code of one of them is the customer's own.
    pub held: &'a [MembershipId],
    /// Typed or pasted by the customer (a bare join code is accepted), rather than scanned.
    pub typed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanTarget {
    Join(JoinRequest),
    /// Join with a friend's referral code.
    Referral {
        join: JoinRequest,
        referral: ReferralCode,
    },
    /// Claim a code of the merchant that `join` names (joining it first if need be).
    Claim {
        join: JoinRequest,
        claim: ClaimCode,
    },
}

/// Why a scan does nothing. Each says what the text was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanRefusal {
    Empty,
    /// Over `MAX_SCAN_BYTES`.
    TooLong {
        bytes: usize,
    },
    /// Control characters or bytes that are not text: a binary QR, or a broken read.
    Binary,
    /// Invisible or direction-changing characters, which can make one address look like another.
    HiddenCharacters,
    /// `javascript:`, `data:`, `mailto:`, `tel:`, `intent:`, `WIFI:`... (lower-cased).
    OtherScheme {
        scheme: String,
    },
    /// A web address that is not a wallet link: a shop's page, a menu, LINE's own links.
    OtherAddress {
        host: String,
    },
    /// The link names an issuer on plain `http://` that is neither loopback nor this wallet.
    InsecureIssuer {
        host: String,
    },
    /// The link's issuer is not a usable address (credentials, a query, another scheme...).
    BadIssuer(IssuerUrlError),
    /// A wallet link without a join code, or with one that is not 1 to 64 of `A-Z a-z 0-9 - _`.
    BadJoinCode,
    BadReferralCode,
    /// A claim link whose claim code is missing or not 12 Crockford base32 characters.
    BadClaimCode,
    /// `MW1:` of a membership in this wallet: the customer's own member code, for the till.
    OwnMemberCode,
    /// `MW1:` of a membership this wallet does not hold: someone else's member code.
    MemberCode,
    /// `MW2:` and later: a member code of a newer wallet.
    NewerMemberCode,
    /// `MWC1:`: a coupon, which the till redeems.
    CouponCode,
    /// Text that is none of the above (a bare word scanned, several lines, a product code).
    NotRecognised,
}

impl fmt::Display for ScanRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("nothing was read"),
            Self::TooLong { bytes } => write!(
                f,
                "this code holds {bytes} bytes, too much to be a wallet link (at most {MAX_SCAN_BYTES})"
            ),
            Self::Binary => f.write_str("this code holds data, not text this wallet reads"),
            Self::HiddenCharacters => f.write_str(
                "this code holds invisible characters that can disguise an address; it was not opened",
            ),
            Self::OtherScheme { scheme } => write!(
                f,
                "this is a {scheme}: code, not a wallet link; it was not opened"
            ),
            Self::OtherAddress { host } => write!(
                f,
                "this is a link to {host}, not a wallet link; it was not opened"
            ),
            Self::InsecureIssuer { host } => write!(
                f,
                "this link names the shop {host} without a secure connection (https); nothing was sent to it"
            ),
            Self::BadIssuer(error) => write!(f, "this wallet link is not valid: {error}"),
            Self::BadJoinCode => f.write_str(
                "this wallet link has no valid join code (letters, digits, '-' and '_')",
            ),
            Self::BadReferralCode => f.write_str("the friend's referral code in this link is not valid"),
            Self::BadClaimCode => f.write_str("the claim code in this link is not valid"),
            Self::OwnMemberCode => f.write_str(
                "that is your member code for the till, not something to scan here",
            ),
            Self::MemberCode => f.write_str(
                "that is someone else's member code, for a shop's till; it does not belong in your wallet",
            ),
            Self::NewerMemberCode => f.write_str(
                "that is a member code from a newer wallet, for a shop's till",
            ),
            Self::CouponCode => f.write_str("that is a coupon code; the shop's till redeems it"),
            Self::NotRecognised => f.write_str("this code is not a wallet link"),
        }
    }
}

impl std::error::Error for ScanRefusal {}

/// Reads scanned or typed text. Nothing here touches the network or storage.
pub fn parse_scan(text: &str, context: &ScanContext<'_>) -> Result<ScanTarget, ScanRefusal> {
    if text.len() > MAX_SCAN_BYTES {
        return Err(ScanRefusal::TooLong { bytes: text.len() });
    }
    if text
        .chars()
        .any(|c| c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r')))
    {
        return Err(ScanRefusal::Binary);
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(ScanRefusal::Empty);
    }
    if text.contains(['\n', '\r', '\t']) {
        return Err(ScanRefusal::NotRecognised);
    }
    if text.chars().any(crate::text::is_hidden) {
        return Err(ScanRefusal::HiddenCharacters);
    }
    if let Some(refusal) = till_code(text, context.held) {
        return Err(refusal);
    }
    match scheme_of(text) {
        Some(scheme) if scheme == "https" || scheme == "http" => web_link(text, context),
        Some(scheme) => Err(ScanRefusal::OtherScheme { scheme }),
        None if context.typed && is_join_code(text) => {
            let issuer = IssuerUrl::parse(context.own_origin, Some(context.own_origin))
                .map_err(ScanRefusal::BadIssuer)?;
            Ok(ScanTarget::Join(JoinRequest {
                issuer,
                code: text.to_ascii_uppercase(),
            }))
        }
        None => Err(ScanRefusal::NotRecognised),
    }
}

/// A member code or a coupon code: what a till reads, never the wallet.
fn till_code(text: &str, held: &[MembershipId]) -> Option<ScanRefusal> {
    if crate::member_code::payload_body(text, crate::coupon_code::PREFIX).is_some() {
        return CouponCode::parse(text)
            .is_ok()
            .then_some(ScanRefusal::CouponCode);
    }
    crate::member_code::payload_body(text, crate::member_code::PREFIX)?;
    match MemberCode::parse(text) {
        Ok(code) if held.contains(&code.membership_id) => Some(ScanRefusal::OwnMemberCode),
        Ok(_) => Some(ScanRefusal::MemberCode),
        Err(MemberCodeError::UnsupportedVersion) => Some(ScanRefusal::NewerMemberCode),
        Err(_) => None,
    }
}

/// The URI scheme (RFC 3986: a letter, then letters, digits, `+ - .`), lower-cased.
fn scheme_of(text: &str) -> Option<String> {
    let (scheme, _) = text.split_once(':')?;
    let mut bytes = scheme.bytes();
    let valid = bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
    valid.then(|| scheme.to_ascii_lowercase())
}

fn web_link(text: &str, context: &ScanContext<'_>) -> Result<ScanTarget, ScanRefusal> {
    let (scheme, rest) = text.split_once("://").ok_or(ScanRefusal::NotRecognised)?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(end);
    // `https://wallet.example@evil.example/join`: the host is the part after the `@`.
    let host = authority.rsplit('@').next().unwrap_or(authority);
    if host.is_empty() {
        return Err(ScanRefusal::NotRecognised);
    }
    let other = || ScanRefusal::OtherAddress {
        host: host.to_ascii_lowercase(),
    };
    let (path, query) = match after.split_once('?') {
        Some((path, query)) => (path, query),
        None => (after.split('#').next().unwrap_or_default(), ""),
    };
    let path = path.trim_end_matches('/');
    let claim = if path == "/join" || path.ends_with("/join") {
        false
    } else if path == "/claim" || path.ends_with("/claim") {
        true
    } else {
        return Err(other());
    };
    if authority.contains('@') {
        // Credentials in a wallet link are a disguise, never needed.
        return Err(other());
    }
    let param = |name: &str| query_param(query, name).filter(|v| !v.trim().is_empty());
    let issuer_text = param("issuer").unwrap_or_else(|| format!("{scheme}://{authority}"));
    let issuer = IssuerUrl::parse(&issuer_text, Some(context.own_origin)).map_err(|e| match e {
        IssuerUrlError::Insecure => ScanRefusal::InsecureIssuer {
            host: host_of(&issuer_text),
        },
        other => ScanRefusal::BadIssuer(other),
    })?;
    let code = param("code")
        .map(|code| code.trim().to_owned())
        .filter(|code| is_join_code(code))
        .ok_or(ScanRefusal::BadJoinCode)?;
    let join = JoinRequest {
        issuer,
        code: code.to_ascii_uppercase(),
    };
    if claim {
        let claim = param("claim")
            .and_then(|code| ClaimCode::parse(&code))
            .ok_or(ScanRefusal::BadClaimCode)?;
        return Ok(ScanTarget::Claim { join, claim });
    }
    match param("ref") {
        Some(referral) => {
            let referral = ReferralCode::parse(&referral).ok_or(ScanRefusal::BadReferralCode)?;
            Ok(ScanTarget::Referral { join, referral })
        }
        None => Ok(ScanTarget::Join(join)),
    }
}

/// The host of an address, for a message (`http://shop.example:8080/x` -> `shop.example:8080`).
fn host_of(address: &str) -> String {
    let rest = address.split_once("://").map_or(address, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority
        .rsplit('@')
        .next()
        .unwrap_or(authority)
        .chars()
        .take(80)
        .collect::<String>()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests;
