//! The domain's small value types: who a membership is and how its merchant looks.
//!
//! Every constructor validates, because these values arrive from issuers the wallet does not
//! control and end up on screen: a hostile issuer must not be able to inject markup, invisible
//! text or a colour the customer cannot read.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Crockford base32: no I, L, O or U, so a member number read aloud or typed is unambiguous.
pub const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const MEMBERSHIP_ID_LEN: usize = 12;

/// A membership's id at its issuer: 12 Crockford base32 characters (60 random bits).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct MembershipId(String);

impl MembershipId {
    pub fn parse(text: &str) -> Option<Self> {
        let valid = text.len() == MEMBERSHIP_ID_LEN && text.bytes().all(|b| CROCKFORD.contains(&b));
        valid.then(|| Self(text.to_owned()))
    }

    /// Builds an id from 60 random bits (the caller supplies the randomness).
    pub fn from_random(bits: u64) -> Self {
        let id = (0..MEMBERSHIP_ID_LEN)
            .map(|i| CROCKFORD[((bits >> (5 * (MEMBERSHIP_ID_LEN - 1 - i))) & 31) as usize] as char)
            .collect();
        Self(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The member number as a person reads it: `7K3D 9QX2 M4PA`.
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(MEMBERSHIP_ID_LEN + 2);
        for (i, ch) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(ch);
        }
        out
    }
}

impl fmt::Display for MembershipId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for MembershipId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("invalid membership id"))
    }
}

/// A brand colour, `#rrggbb`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct BrandColor {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl BrandColor {
    pub fn parse(text: &str) -> Option<Self> {
        let hex = text.strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Self {
            r: channel(0)?,
            g: channel(2)?,
            b: channel(4)?,
        })
    }

    /// WCAG relative luminance.
    fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.r) + 0.7152 * linear(self.g) + 0.0722 * linear(self.b)
    }

    /// Black or white, whichever has the higher WCAG contrast on this colour, so any brand
    /// colour an issuer sends still gives readable text on its card.
    pub fn readable_text(self) -> BrandColor {
        let l = self.luminance();
        let on_white = 1.05 / (l + 0.05);
        let on_black = (l + 0.05) / 0.05;
        if on_black >= on_white {
            BrandColor {
                r: 0x14,
                g: 0x14,
                b: 0x14,
            }
        } else {
            BrandColor {
                r: 0xff,
                g: 0xff,
                b: 0xff,
            }
        }
    }
}

impl fmt::Display for BrandColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl From<BrandColor> for String {
    fn from(color: BrandColor) -> String {
        color.to_string()
    }
}

impl<'de> Deserialize<'de> for BrandColor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).ok_or_else(|| serde::de::Error::custom("brand colour must be #rrggbb"))
    }
}

pub const MAX_TEXT_CHARS: usize = 80;

/// A display text in both languages the wallet speaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedText {
    #[serde(rename = "zh-TW")]
    pub zh_tw: String,
    pub en: String,
}

impl LocalizedText {
    pub fn new(zh_tw: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            zh_tw: zh_tw.into(),
            en: en.into(),
        }
    }

    /// Both texts pass the text rule (`crate::text`): non-empty, at most 80 characters, one line,
    /// nothing hidden (which could make a name display as something else).
    pub fn is_valid(&self) -> bool {
        [&self.zh_tw, &self.en]
            .iter()
            .all(|text| is_display_text(text))
    }

    pub fn get(&self, chinese: bool) -> &str {
        if chinese {
            &self.zh_tw
        } else {
            &self.en
        }
    }
}

fn is_display_text(text: &str) -> bool {
    crate::text::is_valid(text, MAX_TEXT_CHARS, crate::text::Lines::One)
}

/// What the wallet shows of a merchant on a card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MerchantDisplay {
    pub id: String,
    pub name: LocalizedText,
    pub tagline: LocalizedText,
    pub brand_color: BrandColor,
    /// One or two characters drawn as the card's mark (e.g. "燒").
    pub mark: String,
}

impl MerchantDisplay {
    pub fn is_valid(&self) -> bool {
        !self.id.is_empty()
            && self.id.len() <= 64
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && self.name.is_valid()
            && self.tagline.is_valid()
            && is_display_text(&self.mark)
            && self.mark.chars().count() <= 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_ids() {
        let id = MembershipId::from_random(u64::MAX);
        assert_eq!(id.as_str(), "ZZZZZZZZZZZZ");
        assert_eq!(MembershipId::from_random(0).as_str(), "000000000000");
        assert_eq!(
            MembershipId::parse("7K3D9QX2M4PA").unwrap().grouped(),
            "7K3D 9QX2 M4PA"
        );
        assert!(
            MembershipId::parse("7K3D9QX2M4PI").is_none(),
            "I is not Crockford"
        );
        assert!(
            MembershipId::parse("7k3d9qx2m4pa").is_none(),
            "ids are canonical upper case"
        );
        assert!(MembershipId::parse("7K3D9QX2M4P").is_none());
    }

    #[test]
    fn colours_and_contrast() {
        let cream = BrandColor::parse("#f5e6c8").unwrap();
        assert_eq!(cream.readable_text().to_string(), "#141414");
        let wine = BrandColor::parse("#7a1f2b").unwrap();
        assert_eq!(wine.readable_text().to_string(), "#ffffff");
        assert!(BrandColor::parse("red").is_none());
        assert!(BrandColor::parse("#12345g").is_none());
        assert!(BrandColor::parse("#1234567").is_none());
    }

    #[test]
    fn display_text_rejects_tricks() {
        assert!(LocalizedText::new("咖啡", "Coffee").is_valid());
        assert!(!LocalizedText::new("", "Coffee").is_valid());
        assert!(!LocalizedText::new("咖啡\u{202e}", "Coffee").is_valid());
        assert!(!LocalizedText::new("咖啡", "a\nb").is_valid());
        assert!(!LocalizedText::new("咖啡", "x".repeat(81)).is_valid());
    }
}
