//! The stored membership (app/src/membership.rs `StoredMembership`, as serde-wasm-bindgen wrote
//! it into IndexedDB), read field by field for what the card shows, with the app's own checks
//! (wallet-core's parsers): a record the app would refuse is not drawn either. Plain `Reflect`
//! reads instead of serde: the counter's wasm stays small and starts fast.

use js_sys::Reflect;
use wallet_core::protocol::TotpParams;
use wallet_core::{BrandColor, IssuerUrl, LocalizedText, MembershipId, Totp, TotpAlgorithm};
use wasm_bindgen::JsValue;

/// What the counter draws of one membership.
pub struct Card {
    pub id: MembershipId,
    pub totp: Totp,
    pub name: LocalizedText,
    pub mark: String,
    pub brand: BrandColor,
}

/// Why a stored record is not drawn (for the console; the app then shows the page as usual).
#[derive(Debug, PartialEq, Eq)]
pub struct Unreadable(pub &'static str);

/// `origin`: this page's, against which the stored issuer is checked as the app checks it
/// (app/src/storage/memberships.rs `list_memberships`).
pub fn card_from(
    record: &JsValue,
    want: &MembershipId,
    origin: Option<&str>,
) -> Result<Card, Unreadable> {
    let id = MembershipId::parse(&text(record, "id")?).ok_or(Unreadable("id"))?;
    if &id != want {
        return Err(Unreadable("id"));
    }
    IssuerUrl::parse(&text(record, "issuer")?, origin).map_err(|_| Unreadable("issuer"))?;
    let totp = field(record, "totp")?;
    let algorithm = match Reflect::get(&totp, &"algorithm".into())
        .ok()
        .and_then(|a| a.as_string())
    {
        None => TotpAlgorithm::default(),
        Some(name) => match name.as_str() {
            "SHA1" => TotpAlgorithm::Sha1,
            "SHA256" => TotpAlgorithm::Sha256,
            "SHA512" => TotpAlgorithm::Sha512,
            _ => return Err(Unreadable("totp.algorithm")),
        },
    };
    let params = TotpParams {
        secret: text(&totp, "secret")?,
        algorithm,
        digits: whole(&totp, "digits")? as u32,
        period: whole(&totp, "period")?,
    };
    let totp = params.to_totp().ok_or(Unreadable("totp"))?;
    let merchant = field(record, "merchant")?;
    let name = field(&merchant, "name")?;
    Ok(Card {
        id,
        totp,
        name: LocalizedText::new(text(&name, "zh-TW")?, text(&name, "en")?),
        mark: text(&merchant, "mark")?,
        brand: BrandColor::parse(&text(&merchant, "brand_color")?)
            .ok_or(Unreadable("brand_color"))?,
    })
}

fn field(object: &JsValue, key: &'static str) -> Result<JsValue, Unreadable> {
    Reflect::get(object, &key.into())
        .ok()
        .filter(|value| value.is_object())
        .ok_or(Unreadable(key))
}

fn text(object: &JsValue, key: &'static str) -> Result<String, Unreadable> {
    Reflect::get(object, &key.into())
        .ok()
        .and_then(|value| value.as_string())
        .ok_or(Unreadable(key))
}

/// A whole number that fits in 32 bits (digits and period are small; serde refuses fractions).
fn whole(object: &JsValue, key: &'static str) -> Result<u64, Unreadable> {
    let value = Reflect::get(object, &key.into())
        .ok()
        .and_then(|value| value.as_f64())
        .ok_or(Unreadable(key))?;
    if value >= 0.0 && value <= f64::from(u32::MAX) && value.fract() == 0.0 {
        Ok(value as u64)
    } else {
        Err(Unreadable(key))
    }
}
