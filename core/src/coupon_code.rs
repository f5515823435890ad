//! The coupon code: what a coupon's QR carries and what a cashier may type instead.
//!
//! Payload, version 1: `MWC1:<code>`, e.g. `MWC1:Q8M2T4K9XH3A`, where the code is 12 characters of
//! Crockford base32 (60 random bits, like a membership id). Only upper-case letters, digits and
//! `:` so the QR uses alphanumeric mode. The typed form is the code alone, in any case, with any
//! spaces or hyphens: `q8m2 t4k9 xh3a`. docs/protocol.md section 11.2 is the normative text.
//!
//! A coupon code is a bearer value: whoever shows it at the right merchant's counter can redeem it
//! once. The 60 random bits make it unguessable; the issuer's conditional write makes it single use.

use crate::model::CROCKFORD;
use crate::short_code;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

pub const PREFIX: &str = "MWC";
pub const VERSION: u32 = 1;
pub const CODE_LEN: usize = 12;
/// Longer input is refused before any other work: a scanner can hand us anything.
pub const MAX_INPUT_LEN: usize = 64;

/// A coupon's code: 12 upper-case Crockford base32 characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct CouponCode(String);

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CouponCodeError {
    Empty,
    TooLong,
    /// Starts like a coupon code of a version this build does not know.
    UnsupportedVersion,
    /// Not a coupon code at all (e.g. a member code, a URL or some other QR).
    NotACouponCode,
}

impl fmt::Display for CouponCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the coupon code is empty",
            Self::TooLong => "this is too long to be a coupon code",
            Self::UnsupportedVersion => "this coupon code comes from a newer wallet version",
            Self::NotACouponCode => "this is not a coupon code",
        })
    }
}

impl std::error::Error for CouponCodeError {}

impl CouponCode {
    /// The canonical form only (12 upper-case Crockford characters), as stored and sent in entities.
    pub fn from_canonical(text: &str) -> Option<Self> {
        let valid = text.len() == CODE_LEN && text.bytes().all(|b| CROCKFORD.contains(&b));
        valid.then(|| Self(text.to_owned()))
    }

    /// A code from 60 random bits (the caller supplies the randomness).
    pub fn from_random(bits: u64) -> Self {
        let code = (0..CODE_LEN)
            .map(|i| CROCKFORD[((bits >> (5 * (CODE_LEN - 1 - i))) & 31) as usize] as char)
            .collect();
        Self(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The QR payload: `MWC1:<code>`.
    pub fn qr_payload(&self) -> String {
        format!("{PREFIX}{VERSION}:{}", self.0)
    }

    /// The code as a person reads it: `Q8M2 T4K9 XH3A`.
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(CODE_LEN + 2);
        for (i, ch) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(ch);
        }
        out
    }

    /// Parses a scanned payload (`MWC1:<code>`) or a typed code.
    pub fn parse(input: &str) -> Result<Self, CouponCodeError> {
        if input.len() > MAX_INPUT_LEN {
            return Err(CouponCodeError::TooLong);
        }
        let input = input.trim();
        if input.is_empty() {
            return Err(CouponCodeError::Empty);
        }
        // The member code's rule: a payload is `MWC<version>:`, so a typed code that starts
        // with `MWC` is still a typed code.
        match crate::member_code::payload_body(input, PREFIX) {
            Some(rest) => Self::parse_payload(rest),
            None => Self::parse_typed(input),
        }
    }

    fn parse_payload(after_prefix: &str) -> Result<Self, CouponCodeError> {
        let Some((version, code)) = after_prefix.split_once(':') else {
            return Err(CouponCodeError::NotACouponCode);
        };
        if version != VERSION.to_string() {
            return Err(
                if !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) {
                    CouponCodeError::UnsupportedVersion
                } else {
                    CouponCodeError::NotACouponCode
                },
            );
        }
        Self::from_canonical(code).ok_or(CouponCodeError::NotACouponCode)
    }

    /// A person typing reads `0` as `O` and `1` as `I` or `L`: Crockford's decoding forgives that.
    fn parse_typed(input: &str) -> Result<Self, CouponCodeError> {
        let code: String = short_code::without_separators(input)
            .map(short_code::forgiving)
            .collect();
        Self::from_canonical(&code).ok_or(CouponCodeError::NotACouponCode)
    }
}

impl fmt::Display for CouponCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CouponCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::from_canonical(&text).ok_or_else(|| serde::de::Error::custom("invalid coupon code"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemberCode;
    use proptest::prelude::*;

    fn sample() -> CouponCode {
        CouponCode::from_canonical("Q8M2T4K9XH3A").unwrap()
    }

    #[test]
    fn encodes_the_documented_payload() {
        assert_eq!(sample().qr_payload(), "MWC1:Q8M2T4K9XH3A");
        assert_eq!(sample().grouped(), "Q8M2 T4K9 XH3A");
        assert_eq!(CouponCode::from_random(u64::MAX).as_str(), "ZZZZZZZZZZZZ");
        assert_eq!(CouponCode::from_random(0).as_str(), "000000000000");
    }

    #[test]
    fn parses_payload_and_typed_forms() {
        assert_eq!(CouponCode::parse("MWC1:Q8M2T4K9XH3A"), Ok(sample()));
        assert_eq!(CouponCode::parse(" MWC1:Q8M2T4K9XH3A\n"), Ok(sample()));
        assert_eq!(CouponCode::parse("Q8M2 T4K9 XH3A"), Ok(sample()));
        assert_eq!(CouponCode::parse("q8m2-t4k9-xh3a"), Ok(sample()));
        assert_eq!(CouponCode::parse("Q8M2\u{3000}T4K9XH3A"), Ok(sample()));
        assert_eq!(
            CouponCode::parse("OOOO IIII LLLL").unwrap().as_str(),
            "000011111111"
        );
    }

    /// 1 in 32,768 codes start with `MWC`; typed, they are codes, not payloads.
    #[test]
    fn a_code_starting_with_mwc_can_be_typed() {
        let code = CouponCode::from_canonical("MWC2T4K9XH3A").unwrap();
        assert_eq!(CouponCode::parse("MWC2 T4K9 XH3A"), Ok(code.clone()));
        assert_eq!(CouponCode::parse("mwc2-t4k9-xh3a"), Ok(code.clone()));
        assert_eq!(CouponCode::parse(&code.qr_payload()), Ok(code));
        let after_mw = CouponCode::from_canonical("MW1234567890").unwrap();
        assert_eq!(CouponCode::parse("MW12 3456 7890"), Ok(after_mw));
    }

    #[test]
    fn errors() {
        use CouponCodeError::*;
        assert_eq!(CouponCode::parse(""), Err(Empty));
        assert_eq!(CouponCode::parse(" \t"), Err(Empty));
        assert_eq!(CouponCode::parse(&"Q".repeat(65)), Err(TooLong));
        assert_eq!(
            CouponCode::parse("MWC2:Q8M2T4K9XH3A"),
            Err(UnsupportedVersion)
        );
        assert_eq!(CouponCode::parse("MWCX:Q8M2T4K9XH3A"), Err(NotACouponCode));
        assert_eq!(CouponCode::parse("MWC1Q8M2T4K9XH3A"), Err(NotACouponCode));
        assert_eq!(CouponCode::parse("MWC1:q8m2t4k9xh3a"), Err(NotACouponCode));
        assert_eq!(CouponCode::parse("MWC1:Q8M2T4K9XH3U"), Err(NotACouponCode));
        assert_eq!(CouponCode::parse("MWC1:Q8M2T4K9XH3"), Err(NotACouponCode));
        assert_eq!(CouponCode::parse("Q8M2T4K9XH3AB"), Err(NotACouponCode));
        assert_eq!(CouponCode::parse("https://x.test/"), Err(NotACouponCode));
        // A member code is not a coupon code, and the other way round.
        assert_eq!(
            CouponCode::parse("MW1:7K3D9QX2M4PA:492039"),
            Err(NotACouponCode)
        );
        assert!(MemberCode::parse(&sample().qr_payload()).is_err());
    }

    #[test]
    fn serde_takes_only_the_canonical_form() {
        let json = serde_json::to_string(&sample()).unwrap();
        assert_eq!(json, "\"Q8M2T4K9XH3A\"");
        assert_eq!(serde_json::from_str::<CouponCode>(&json).unwrap(), sample());
        assert!(serde_json::from_str::<CouponCode>("\"q8m2t4k9xh3a\"").is_err());
    }

    proptest! {
        #[test]
        fn payload_round_trips(bits in any::<u64>()) {
            let code = CouponCode::from_random(bits);
            prop_assert_eq!(CouponCode::parse(&code.qr_payload()), Ok(code.clone()));
            prop_assert_eq!(CouponCode::parse(&code.grouped()), Ok(code.clone()));
            prop_assert_eq!(CouponCode::parse(&code.as_str().to_lowercase()), Ok(code));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = CouponCode::parse(&text);
        }

        #[test]
        fn near_the_format_never_panics(text in "(MWC)?[0-9A-Za-z: -]{0,40}") {
            if let Ok(code) = CouponCode::parse(&text) {
                prop_assert_eq!(code.as_str().len(), CODE_LEN);
            }
        }
    }
}
