//! The demo merchants' messages (part of the `--demo` seed): each sends a welcome when a member
//! joins, and the ramen shop, whose points last 30 days, tells its members a month ahead that
//! points expire, so a new member of it finds both in the inbox at once. Sets only what is unset.

use crate::store::StoreError;
use sqlx::AnyPool;

/// (merchant, title zh-TW, title en, body zh-TW, body en)
const WELCOMES: [(&str, &str, &str, &str, &str); 4] = [
    (
        "alley-yakiniku",
        "歡迎加入炭火小巷燒肉",
        "Welcome to Alley Charcoal Yakiniku",
        "已送你 100 點入會禮。每次來店結帳出示會員條碼，就能集點、累積來店卡。",
        "Here are 100 welcome points. Show your member code when you pay to earn points and visit stamps.",
    ),
    (
        "morning-cafe",
        "歡迎來到晨光咖啡",
        "Welcome to Morning Light Café",
        "每杯飲品都能集一點，集滿 10 點送一杯。結帳時出示會員條碼就好。",
        "Every drink earns a stamp; ten stamps earn a drink on us. Just show your member code when you pay.",
    ),
    (
        "qingtian-books",
        "歡迎成為青田書店會員",
        "Welcome to Qingtian Books",
        "已送你 50 點入會禮。消費累積點數，一年內消費越多，會員等級越高。",
        "Here are 50 welcome points. Every purchase earns points, and the more you buy in a year, the higher your tier.",
    ),
    (
        "alley-ramen",
        "歡迎加入小巷拉麵",
        "Welcome to Alley Ramen",
        "已送你 50 點入會禮。也加入炭火小巷燒肉的話，兩家共用點數。拉麵店的點數 30 天內有效。",
        "Here are 50 welcome points. Join Alley Charcoal Yakiniku too and the two share one balance. Points earned here last 30 days.",
    ),
];

pub async fn seed(db: &AnyPool) -> Result<(), StoreError> {
    for (merchant, title_zh, title_en, body_zh, body_en) in WELCOMES {
        sqlx::query(
            "UPDATE merchants SET welcome_title_zh = $1, welcome_title_en = $2, \
             welcome_body_zh = $3, welcome_body_en = $4 \
             WHERE id = $5 AND welcome_title_zh IS NULL",
        )
        .bind(title_zh)
        .bind(title_en)
        .bind(body_zh)
        .bind(body_en)
        .bind(merchant)
        .execute(db)
        .await?;
    }
    sqlx::query(
        "UPDATE points_programs SET expiry_notice_days = 31 \
         WHERE merchant_id = 'alley-ramen' AND expiry_notice_days IS NULL",
    )
    .execute(db)
    .await?;
    Ok(())
}
