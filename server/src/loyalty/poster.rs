//! A merchant's join poster: an A6-shaped SVG with the shop's name, its join QR (the join link of
//! `links`, drawn by wallet-core's `card_face::qr_svg`, the member card's encoder) and the join
//! code for those who type it, to print and put on the counter or a table.

use super::links;
use crate::store::{merchants, StoreError};
use sqlx::AnyPool;
use wallet_core::card_face::qr_svg;
use wallet_core::LocalizedText;

/// The poster of merchant `merchant_id` with its join link at `public_url`; `None`: no such
/// merchant. An address no wallet accepts as an issuer is the operator's error.
pub async fn of_merchant(
    db: &AnyPool,
    public_url: &str,
    merchant_id: &str,
) -> Result<Option<String>, StoreError> {
    let Some(merchant) = merchants::by_id(db, merchant_id).await? else {
        return Ok(None);
    };
    let mut conn = db.acquire().await?;
    let join_code = merchants::join_code(&mut conn, merchant_id)
        .await?
        .ok_or_else(|| StoreError::corrupt(format!("merchant {merchant_id} has no join code")))?;
    let link = links::join_link(public_url, &join_code).ok_or_else(|| {
        StoreError::corrupt(format!(
            "{public_url} is not an address a wallet accepts as an issuer (https, or http on loopback)"
        ))
    })?;
    let name = LocalizedText::new(&merchant.name_zh, &merchant.name_en);
    svg(&name, &merchant.brand_color, &join_code, &link)
        .map(Some)
        .ok_or_else(|| StoreError::corrupt("the join link is too long for a QR code"))
}

/// The poster's SVG, or `None` if the link cannot be drawn as a QR (far longer than any link).
pub fn svg(name: &LocalizedText, brand_color: &str, join_code: &str, link: &str) -> Option<String> {
    let qr = qr_svg(link)?;
    // The QR's own <svg> is nested with its size set: it keeps its viewBox, so it scales sharp.
    let qr = qr.replacen("<svg", r#"<svg x="40" y="150" width="340" height="340""#, 1);
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="420" height="620" viewBox="0 0 420 620">
<rect width="420" height="620" fill="#ffffff"/>
<rect width="420" height="16" fill="{color}"/>
<text x="210" y="70" text-anchor="middle" font-family="sans-serif" font-size="30" font-weight="bold" fill="#111111">{zh}</text>
<text x="210" y="104" text-anchor="middle" font-family="sans-serif" font-size="18" fill="#333333">{en}</text>
<text x="210" y="136" text-anchor="middle" font-family="sans-serif" font-size="16" fill="#333333">掃描加入會員 · Scan to join</text>
{qr}
<text x="210" y="530" text-anchor="middle" font-family="sans-serif" font-size="16" fill="#333333">或輸入代碼 · or type the code</text>
<text x="210" y="568" text-anchor="middle" font-family="monospace" font-size="30" font-weight="bold" fill="#111111">{code}</text>
<rect y="604" width="420" height="16" fill="{color}"/>
</svg>
"##,
        color = escape(brand_color),
        zh = escape(&name.zh_tw),
        en = escape(&name.en),
        code = escape(join_code),
    ))
}

/// Text as SVG character data: a merchant's name is the operator's text, never markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poster_holds_the_qr_the_name_and_the_code() {
        let name = LocalizedText::new("晨光咖啡", "Morning <Light> & Café");
        let link = "http://127.0.0.1:8080/join?issuer=http%3A%2F%2F127.0.0.1%3A8080&code=CAFE";
        let svg = svg(&name, "#c8873a", "CAFE", link).unwrap();
        assert!(svg.starts_with("<svg xmlns"));
        assert!(svg.contains("晨光咖啡"));
        assert!(svg.contains("Morning &lt;Light&gt; &amp; Café"));
        assert!(svg.contains(">CAFE</text>"));
        assert_eq!(svg.matches("<svg").count(), 2, "the QR is nested once");
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
