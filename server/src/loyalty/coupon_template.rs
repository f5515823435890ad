//! A coupon template: what a coupon of a stamp step, a reward, the birthday or a survey says and
//! how long it is valid. Its own file because both `rules` and `survey_rule` name it.

use crate::store::StoreError;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use std::collections::HashMap;
use wallet_core::LocalizedText;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CouponTemplate {
    pub id: String,
    pub merchant_id: String,
    pub title: LocalizedText,
    pub terms: LocalizedText,
    pub valid_days: i64,
}

#[derive(FromRow)]
struct TemplateRow {
    id: String,
    merchant_id: String,
    title_zh: String,
    title_en: String,
    terms_zh: String,
    terms_en: String,
    valid_days: i64,
}

impl From<TemplateRow> for CouponTemplate {
    fn from(row: TemplateRow) -> Self {
        Self {
            id: row.id,
            merchant_id: row.merchant_id,
            title: LocalizedText::new(row.title_zh, row.title_en),
            terms: LocalizedText::new(row.terms_zh, row.terms_en),
            valid_days: row.valid_days,
        }
    }
}

/// One coupon template by id (the reward's, at an exchange).
pub async fn template(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<CouponTemplate>, StoreError> {
    let row: Option<TemplateRow> = sqlx::query_as(
        "SELECT id, merchant_id, title_zh, title_en, terms_zh, terms_en, valid_days \
         FROM coupon_templates WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(CouponTemplate::from))
}

/// Every template of the merchant, by id.
pub async fn of_merchant(
    conn: &mut AnyConnection,
    merchant_id: &str,
) -> Result<HashMap<String, CouponTemplate>, StoreError> {
    let rows: Vec<TemplateRow> = sqlx::query_as(
        "SELECT id, merchant_id, title_zh, title_en, terms_zh, terms_en, valid_days \
         FROM coupon_templates WHERE merchant_id = $1",
    )
    .bind(merchant_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id.clone(), CouponTemplate::from(row)))
        .collect())
}
