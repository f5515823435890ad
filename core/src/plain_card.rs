//! A plain card: a shop's own card (its name, a colour, a number and how its barcode is drawn)
//! from a shop with no issuer that speaks the protocol. It lives on this phone only (the `meta`
//! store, and the export file); the wallet shows it at the counter like a member card. The
//! number's check for its symbology is the barcode's own (`barcode::Linear`, in the module that
//! draws it).

use crate::model::BrandColor;
use serde::{Deserialize, Serialize};

pub const MAX_NAME_CHARS: usize = 40;
/// A QR code holds far more; a shop's card number is never this long.
pub const MAX_NUMBER_CHARS: usize = 256;
/// At most this many plain cards: the wallet stays quick, and the list is one stored value.
pub const MAX_PLAIN_CARDS: usize = 500;

/// How the number is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symbology {
    Qr,
    Code128,
    Ean13,
    Code39,
    /// No barcode (or one this wallet cannot draw): the number is shown large, to be typed.
    Text,
}

impl Symbology {
    /// The name the store and the form use.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Qr => "qr",
            Self::Code128 => "code128",
            Self::Ean13 => "ean13",
            Self::Code39 => "code39",
            Self::Text => "text",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlainCard {
    /// Made by the wallet (a UUID), or `catima-<id>` for an imported card.
    pub id: String,
    pub name: String,
    pub color: BrandColor,
    pub symbology: Symbology,
    pub number: String,
    /// Milliseconds since the epoch.
    pub added_at: f64,
}

/// What is wrong with a typed card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlainCardProblem {
    NameMissing,
    NameTooLong,
    NumberMissing,
    NumberTooLong,
    /// Not a number this symbology can hold (letters in an EAN-13, a wrong check digit, ...).
    NumberNotFor(Symbology),
}

/// The name as it is kept: trimmed, one line, at most `MAX_NAME_CHARS`.
pub fn check_name(name: &str) -> Result<String, PlainCardProblem> {
    let name = name.trim();
    if name.is_empty() {
        return Err(PlainCardProblem::NameMissing);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(PlainCardProblem::NameTooLong);
    }
    if !crate::text::is_valid(name, MAX_NAME_CHARS, crate::text::Lines::One) {
        return Err(PlainCardProblem::NameMissing);
    }
    Ok(name.to_owned())
}

/// The number as it is kept (trimmed; Code 39 upper-case, as its readers give it), before the
/// symbology's own check.
pub fn normal_number(symbology: Symbology, number: &str) -> Result<String, PlainCardProblem> {
    let number = number.trim();
    if number.is_empty() {
        return Err(PlainCardProblem::NumberMissing);
    }
    if number.chars().count() > MAX_NUMBER_CHARS {
        return Err(PlainCardProblem::NumberTooLong);
    }
    if number.chars().any(char::is_control) {
        return Err(PlainCardProblem::NumberNotFor(symbology));
    }
    Ok(match symbology {
        Symbology::Code39 => number.to_ascii_uppercase(),
        // 12 digits typed: kept with the check digit, as printed under the bars.
        Symbology::Ean13 if number.len() == 12 && number.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{number}{}", ean13_check_digit(number))
        }
        _ => number.to_owned(),
    })
}

/// EAN-13's check digit of its first 12 digits (weights 1 and 3, alternating from the left).
fn ean13_check_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    (10 - sum % 10) % 10
}

impl PlainCard {
    /// What a stored or imported card must be to be shown.
    pub fn is_valid(&self) -> bool {
        !self.id.is_empty()
            && self.id.len() <= 64
            && check_name(&self.name).as_deref() == Ok(self.name.as_str())
            && normal_number(self.symbology, &self.number).as_deref() == Ok(self.number.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_are_kept_as_a_customer_means_them() {
        assert_eq!(check_name("  全聯福利中心 "), Ok("全聯福利中心".to_owned()));
        assert_eq!(check_name("   "), Err(PlainCardProblem::NameMissing));
        assert_eq!(
            check_name(&"名".repeat(41)),
            Err(PlainCardProblem::NameTooLong)
        );
        assert_eq!(
            normal_number(Symbology::Code39, " ab-12 "),
            Ok("AB-12".to_owned())
        );
        assert_eq!(
            normal_number(Symbology::Qr, ""),
            Err(PlainCardProblem::NumberMissing)
        );
        assert_eq!(
            normal_number(Symbology::Ean13, "12\u{7}3"),
            Err(PlainCardProblem::NumberNotFor(Symbology::Ean13))
        );
    }

    #[test]
    fn a_symbology_is_stored_by_the_name_the_form_uses() {
        use Symbology::*;
        for s in [Qr, Code128, Ean13, Code39, Text] {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
    }
}
