//! The member code: what the dynamic member QR carries and what a cashier may type instead.
//!
//! Payload, version 1: `MW1:<membership id>:<TOTP code>`, e.g. `MW1:7K3D9QX2M4PA:492039`.
//! Only upper-case letters, digits and `:` so the QR uses alphanumeric mode (smaller, easier to
//! scan). The typed form is the member number and the code with any spaces or hyphens:
//! `7K3D 9QX2 M4PA 492 039`. docs/protocol.md is the normative description.

use crate::model::{MembershipId, CROCKFORD, MEMBERSHIP_ID_LEN};
use crate::short_code;
use std::fmt;

pub const PREFIX: &str = "MW";
pub const VERSION: u32 = 1;
/// Longer input is refused before any other work: a scanner can hand us anything.
pub const MAX_INPUT_LEN: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberCode {
    pub membership_id: MembershipId,
    /// The TOTP code, 6 to 10 digits.
    pub code: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemberCodeError {
    Empty,
    TooLong,
    /// Starts like a member code of a version this build does not know.
    UnsupportedVersion,
    /// Not a member code at all (e.g. a URL or some other QR).
    NotAMemberCode,
    BadMembershipId,
    BadCode,
}

impl fmt::Display for MemberCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "the member code is empty",
            Self::TooLong => "this is too long to be a member code",
            Self::UnsupportedVersion => "this member code comes from a newer wallet version",
            Self::NotAMemberCode => "this is not a member code",
            Self::BadMembershipId => "the member number in this code is not valid",
            Self::BadCode => "the one-time code must be 6 to 10 digits",
        })
    }
}

impl std::error::Error for MemberCodeError {}

impl MemberCode {
    pub fn new(membership_id: MembershipId, code: String) -> Self {
        Self {
            membership_id,
            code,
        }
    }

    /// The QR payload.
    pub fn encode(&self) -> String {
        format!("{PREFIX}{VERSION}:{}:{}", self.membership_id, self.code)
    }

    /// Parses a scanned payload or a typed member number plus code.
    pub fn parse(input: &str) -> Result<Self, MemberCodeError> {
        if input.len() > MAX_INPUT_LEN {
            return Err(MemberCodeError::TooLong);
        }
        let input = input.trim();
        if input.is_empty() {
            return Err(MemberCodeError::Empty);
        }
        match payload_body(input, PREFIX) {
            Some(rest) => Self::parse_payload(rest),
            None => Self::parse_typed(input),
        }
    }

    fn parse_payload(after_prefix: &str) -> Result<Self, MemberCodeError> {
        let mut parts = after_prefix.split(':');
        let version = parts.next().unwrap_or_default();
        if version != VERSION.to_string() {
            return Err(
                if !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) {
                    MemberCodeError::UnsupportedVersion
                } else {
                    MemberCodeError::NotAMemberCode
                },
            );
        }
        let (Some(id), Some(code), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(MemberCodeError::NotAMemberCode);
        };
        let membership_id = MembershipId::parse(id).ok_or(MemberCodeError::BadMembershipId)?;
        Ok(Self::new(membership_id, checked_code(code)?))
    }

    /// A person typing reads `0` as `O` and `1` as `I` or `L`: Crockford's decoding forgives that.
    fn parse_typed(input: &str) -> Result<Self, MemberCodeError> {
        let compact: String = short_code::without_separators(input).collect();
        if compact.len() <= MEMBERSHIP_ID_LEN || !compact.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(MemberCodeError::NotAMemberCode);
        }
        let (id_part, code) = compact.split_at(MEMBERSHIP_ID_LEN);
        let id: String = id_part.chars().map(short_code::forgiving).collect();
        if !id.bytes().all(|b| CROCKFORD.contains(&b)) {
            return Err(MemberCodeError::BadMembershipId);
        }
        let membership_id = MembershipId::parse(&id).ok_or(MemberCodeError::BadMembershipId)?;
        Ok(Self::new(membership_id, checked_code(code)?))
    }
}

/// What follows `prefix` when `input` is a payload: `prefix`, a decimal version, then `:`.
/// Anything else is read as the typed form, so a membership id that itself starts with `MW`
/// (1 in 1,024 of them) can still be typed: the typed form never holds a `:`.
pub(crate) fn payload_body<'a>(input: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = input.strip_prefix(prefix)?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && rest.as_bytes().get(digits) == Some(&b':')).then_some(rest)
}

fn checked_code(code: &str) -> Result<String, MemberCodeError> {
    if (6..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err(MemberCodeError::BadCode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> MemberCode {
        MemberCode::new(
            MembershipId::parse("7K3D9QX2M4PA").unwrap(),
            "492039".into(),
        )
    }

    #[test]
    fn encodes_the_documented_payload() {
        assert_eq!(sample().encode(), "MW1:7K3D9QX2M4PA:492039");
    }

    #[test]
    fn parses_payload_and_typed_forms() {
        assert_eq!(MemberCode::parse("MW1:7K3D9QX2M4PA:492039"), Ok(sample()));
        assert_eq!(
            MemberCode::parse("  MW1:7K3D9QX2M4PA:492039\n"),
            Ok(sample())
        );
        assert_eq!(MemberCode::parse("7K3D 9QX2 M4PA 492 039"), Ok(sample()));
        assert_eq!(MemberCode::parse("7k3d-9qx2-m4pa-492039"), Ok(sample()));
        let with_o = MemberCode::parse("7K3D9QX2M4PO 492039").unwrap();
        assert_eq!(with_o.membership_id.as_str(), "7K3D9QX2M4P0");
    }

    /// 1 in 1,024 ids start with `MW`; their typed form must not be taken for a payload.
    #[test]
    fn an_id_starting_with_mw_can_be_typed() {
        let id = MembershipId::parse("MW1D9QX2M4PA").unwrap();
        let expected = MemberCode::new(id.clone(), "492039".into());
        assert_eq!(
            MemberCode::parse("MW1D 9QX2 M4PA 492 039"),
            Ok(expected.clone())
        );
        assert_eq!(
            MemberCode::parse("mw1d9qx2m4pa492039"),
            Ok(expected.clone())
        );
        assert_eq!(MemberCode::parse(&expected.encode()), Ok(expected));
        let digits_after = MembershipId::parse("MW12345678AB").unwrap();
        assert_eq!(
            MemberCode::parse("MW12 3456 78AB 000 111"),
            Ok(MemberCode::new(digits_after, "000111".into()))
        );
    }

    #[test]
    fn typed_errors() {
        use MemberCodeError::*;
        assert_eq!(MemberCode::parse(""), Err(Empty));
        assert_eq!(MemberCode::parse("   "), Err(Empty));
        assert_eq!(MemberCode::parse(&"9".repeat(65)), Err(TooLong));
        assert_eq!(
            MemberCode::parse("MW2:7K3D9QX2M4PA:492039"),
            Err(UnsupportedVersion)
        );
        assert_eq!(
            MemberCode::parse("MWX:7K3D9QX2M4PA:492039"),
            Err(NotAMemberCode)
        );
        assert_eq!(
            MemberCode::parse("https://example.com/"),
            Err(NotAMemberCode)
        );
        assert_eq!(MemberCode::parse("MW1:7K3D9QX2M4PA"), Err(NotAMemberCode));
        assert_eq!(
            MemberCode::parse("MW1:7K3D9QX2M4PA:492039:1"),
            Err(NotAMemberCode)
        );
        assert_eq!(
            MemberCode::parse("MW1:7K3D9QX2M4PU:492039"),
            Err(BadMembershipId)
        );
        assert_eq!(MemberCode::parse("MW1:7K3D9QX2M4PA:49203"), Err(BadCode));
        assert_eq!(MemberCode::parse("MW1:7K3D9QX2M4PA:49203x"), Err(BadCode));
        assert_eq!(
            MemberCode::parse("7K3D9QX2M4PU492039"),
            Err(BadMembershipId)
        );
        assert_eq!(MemberCode::parse("7K3D9QX2M4P!492039"), Err(NotAMemberCode));
    }

    fn membership_id() -> impl Strategy<Value = MembershipId> {
        any::<u64>().prop_map(MembershipId::from_random)
    }

    proptest! {
        #[test]
        fn encode_then_parse_round_trips(id in membership_id(), code in "[0-9]{6,10}") {
            let member_code = MemberCode::new(id, code);
            prop_assert_eq!(MemberCode::parse(&member_code.encode()), Ok(member_code));
        }

        /// Every id, `MW...` ones included, reads back from its typed form.
        #[test]
        fn typed_form_round_trips(tail in "[0-9A-HJKMNP-TV-Z]{12}", mw in any::<bool>(), code in "[0-9]{6,10}") {
            let head = if mw { "MW".to_owned() } else { tail[..2].to_owned() };
            let id = MembershipId::parse(&format!("{head}{}", &tail[2..])).unwrap();
            let typed = format!("{} {code}", id.as_str());
            prop_assert_eq!(MemberCode::parse(&typed), Ok(MemberCode::new(id, code)));
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let text = String::from_utf8_lossy(&bytes);
            let _ = MemberCode::parse(&text);
        }

        #[test]
        fn arbitrary_strings_near_the_format_never_panic(text in "(MW)?[0-9A-Z:]{0,40}") {
            let _ = MemberCode::parse(&text);
        }
    }
}
