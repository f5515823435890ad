//! Taiwan's e-invoice mobile carrier (手機條碼): what a customer shows at the till so the
//! receipt goes to their carrier instead of onto paper. `/` and then exactly 7 characters of
//! `0-9 A-Z + - .`, shown as plain Code 39 (not Full ASCII) without a check character
//! (../shared/RESEARCH.md, "Taiwan e-invoice mobile carrier").
//!
//! Customers copy it from the Ministry of Finance's app or type it from memory, so the parser
//! forgives what a phone keyboard does (spaces around it, lower-case letters, the full-width forms
//! a Chinese keyboard types, such as `／`) and, for anything else, says exactly what is wrong.

use std::fmt;

/// The characters after the slash.
pub const CARRIER_BODY_LEN: usize = 7;

/// A valid carrier, normalised: `/ABC+1.-`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EinvoiceCarrier(String);

/// Why a typed carrier is not one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CarrierError {
    Empty,
    /// It does not start with `/`.
    NoSlash,
    /// Not 7 characters after the slash: how many there are.
    WrongLength {
        after_slash: usize,
    },
    /// A character a carrier never holds (Chinese, `*`, a second `/`...).
    BadCharacter {
        character: char,
    },
}

impl fmt::Display for CarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("nothing was typed"),
            Self::NoSlash => f.write_str("a carrier starts with /"),
            Self::WrongLength { after_slash } => write!(
                f,
                "a carrier has {CARRIER_BODY_LEN} characters after the /, this has {after_slash}"
            ),
            Self::BadCharacter { character } => write!(
                f,
                "{character:?} is not in a carrier (only 0-9, A-Z, + - and .)"
            ),
        }
    }
}

impl std::error::Error for CarrierError {}

/// A full-width form (U+FF01..U+FF5E, what a Chinese keyboard may type) as its ASCII twin, and
/// lower-case letters as upper-case; everything else as it is.
fn normal(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.to_ascii_uppercase()
}

fn is_body_char(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_uppercase() || matches!(c, '+' | '-' | '.')
}

impl EinvoiceCarrier {
    pub fn parse(input: &str) -> Result<Self, CarrierError> {
        let text: String = input
            .trim_matches(|c: char| c.is_whitespace())
            .chars()
            .map(normal)
            .collect();
        if text.is_empty() {
            return Err(CarrierError::Empty);
        }
        let Some(body) = text.strip_prefix('/') else {
            return Err(CarrierError::NoSlash);
        };
        if let Some(character) = body.chars().find(|c| !is_body_char(*c)) {
            return Err(CarrierError::BadCharacter { character });
        }
        let after_slash = body.chars().count();
        if after_slash != CARRIER_BODY_LEN {
            return Err(CarrierError::WrongLength { after_slash });
        }
        Ok(Self(text))
    }

    /// The carrier as it is encoded in the Code 39 bars and printed under them.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_carrier_as_typed_on_a_phone_is_accepted_and_normalised() {
        for (typed, carrier) in [
            ("/ABC1234", "/ABC1234"),
            ("/A.B+C-1", "/A.B+C-1"),
            ("  /abc1234 ", "/ABC1234"),
            ("／ＡＢＣ１２３４", "/ABC1234"),
            ("/+-.+-.0", "/+-.+-.0"),
        ] {
            assert_eq!(
                EinvoiceCarrier::parse(typed).map(|c| c.as_str().to_owned()),
                Ok(carrier.to_owned()),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn what_is_wrong_is_said() {
        for (typed, error) in [
            ("", CarrierError::Empty),
            ("   ", CarrierError::Empty),
            ("ABC1234", CarrierError::NoSlash),
            ("ABC/1234", CarrierError::NoSlash),
            ("/ABC123", CarrierError::WrongLength { after_slash: 6 }),
            ("/ABC12345", CarrierError::WrongLength { after_slash: 8 }),
            ("/", CarrierError::WrongLength { after_slash: 0 }),
            ("/ABC 123", CarrierError::BadCharacter { character: ' ' }),
            ("/ABC*123", CarrierError::BadCharacter { character: '*' }),
            ("/ABC/123", CarrierError::BadCharacter { character: '/' }),
            (
                "/手機條碼123",
                CarrierError::BadCharacter { character: '手' },
            ),
            ("/ABC_123", CarrierError::BadCharacter { character: '_' }),
        ] {
            assert_eq!(EinvoiceCarrier::parse(typed), Err(error), "{typed:?}");
        }
    }

    #[test]
    fn the_messages_name_the_problem() {
        assert_eq!(
            CarrierError::WrongLength { after_slash: 6 }.to_string(),
            "a carrier has 7 characters after the /, this has 6"
        );
        assert!(CarrierError::BadCharacter { character: '*' }
            .to_string()
            .contains("'*'"));
    }

    proptest! {
        #[test]
        fn any_text_is_a_carrier_or_a_reason_never_a_panic(text in any::<String>()) {
            if let Ok(carrier) = EinvoiceCarrier::parse(&text) {
                let s = carrier.as_str();
                prop_assert_eq!(s.len(), 1 + CARRIER_BODY_LEN);
                prop_assert!(s.starts_with('/'));
                prop_assert!(s[1..].chars().all(is_body_char));
                // Normalised: parsing it again gives itself.
                prop_assert_eq!(EinvoiceCarrier::parse(s), Ok(carrier.clone()));
            }
        }

        #[test]
        fn every_valid_carrier_is_accepted(body in "[0-9A-Z.+-]{7}") {
            let typed = format!("/{body}");
            prop_assert_eq!(EinvoiceCarrier::parse(&typed).map(|c| c.as_str().to_owned()), Ok(typed));
        }
    }
}
