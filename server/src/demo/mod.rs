//! The `--demo` seed: four merchants with fixed join codes and cashier keys, so a person (and
//! the tests) can join and scan at once, and their loyalty rules (`loyalty`). Seeding adds
//! only what is missing; running it on every start is safe.

pub mod claims;
pub mod games;
pub mod loyalty;
pub mod messages;
pub mod referrals;
pub mod surveys;

use crate::store::secrets::sha256_hex;
use crate::store::StoreError;
use sqlx::AnyPool;
use wallet_core::JoinRequest;

pub struct DemoMerchant {
    pub id: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub tagline_zh: &'static str,
    pub tagline_en: &'static str,
    pub brand_color: &'static str,
    pub mark: &'static str,
    pub join_code: &'static str,
    pub cashier_key: &'static str,
}

pub const YAKINIKU: DemoMerchant = DemoMerchant {
    id: "alley-yakiniku",
    name_zh: "炭火小巷燒肉",
    name_en: "Alley Charcoal Yakiniku",
    tagline_zh: "每一盤都換新烤網",
    tagline_en: "A fresh grill for every plate",
    brand_color: "#7a1f2b",
    mark: "燒",
    join_code: "YAKINIKU",
    cashier_key: "demo-cashier-yakiniku",
};

pub const CAFE: DemoMerchant = DemoMerchant {
    id: "morning-cafe",
    name_zh: "晨光咖啡",
    name_en: "Morning Light Café",
    tagline_zh: "手沖咖啡與當日甜點",
    tagline_en: "Pour-over coffee and fresh pastries",
    brand_color: "#c8873a",
    mark: "晨",
    join_code: "CAFE",
    cashier_key: "demo-cashier-cafe",
};

pub const BOOKS: DemoMerchant = DemoMerchant {
    id: "qingtian-books",
    name_zh: "青田書店",
    name_en: "Qingtian Books",
    tagline_zh: "巷弄裡的獨立書店",
    tagline_en: "An independent bookshop down the lane",
    brand_color: "#2f5d50",
    mark: "書",
    join_code: "BOOKS",
    cashier_key: "demo-cashier-books",
};

/// The yakiniku place's sister brand: one merchant group, one points balance.
pub const RAMEN: DemoMerchant = DemoMerchant {
    id: "alley-ramen",
    name_zh: "小巷拉麵",
    name_en: "Alley Ramen",
    tagline_zh: "濃厚豚骨，深夜也營業",
    tagline_en: "Rich tonkotsu, open late",
    brand_color: "#b5542c",
    mark: "麵",
    join_code: "RAMEN",
    cashier_key: "demo-cashier-ramen",
};

pub const MERCHANTS: [DemoMerchant; 4] = [YAKINIKU, CAFE, BOOKS, RAMEN];

pub async fn seed(db: &AnyPool) -> Result<(), StoreError> {
    for merchant in &MERCHANTS {
        // No conflict target: a merchant already there, or its join code or key taken by
        // another row, leaves the existing data as the operator has it.
        sqlx::query(
            "INSERT INTO merchants \
             (id, name_zh, name_en, tagline_zh, tagline_en, brand_color, mark, join_code, cashier_key_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
        )
        .bind(merchant.id)
        .bind(merchant.name_zh)
        .bind(merchant.name_en)
        .bind(merchant.tagline_zh)
        .bind(merchant.tagline_en)
        .bind(merchant.brand_color)
        .bind(merchant.mark)
        .bind(merchant.join_code.to_ascii_uppercase())
        .bind(sha256_hex(merchant.cashier_key))
        .execute(db)
        .await?;
    }
    loyalty::seed(db).await?;
    surveys::seed(db).await?;
    games::seed(db).await?;
    claims::seed(db).await?;
    messages::seed(db).await?;
    referrals::seed(db).await
}

/// The link a customer opens to join: the wallet page at `/join`, told which issuer to enroll
/// with and which code to send. Built by wallet-core, which is also what reads it in the wallet.
/// `None` when the address cannot be an issuer (e.g. a host name the wallet would refuse).
pub fn join_link(base_url: &str, join_code: &str) -> Option<String> {
    JoinRequest::from_params(Some(base_url), Some(join_code), base_url)
        .ok()
        .map(|join| join.to_link(base_url))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wallet_core::{BrandColor, LocalizedText, MerchantDisplay};

    #[test]
    fn join_links_encode_the_issuer() {
        assert_eq!(
            join_link("http://127.0.0.1:8080", "CAFE").as_deref(),
            Some("http://127.0.0.1:8080/join?issuer=http%3A%2F%2F127.0.0.1%3A8080&code=CAFE")
        );
        assert_eq!(join_link("http://bad_host:8080", "CAFE"), None);
    }

    #[test]
    fn demo_merchants_are_valid_for_wallets() {
        for m in &MERCHANTS {
            let display = MerchantDisplay {
                id: m.id.into(),
                name: LocalizedText::new(m.name_zh, m.name_en),
                tagline: LocalizedText::new(m.tagline_zh, m.tagline_en),
                brand_color: BrandColor::parse(m.brand_color).unwrap(),
                mark: m.mark.into(),
            };
            assert!(display.is_valid(), "{}", m.id);
        }
    }
}
