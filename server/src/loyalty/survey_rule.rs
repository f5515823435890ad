//! A merchant's survey as configured (table `surveys`): its questions and when it is sent, what
//! answering gives, and when a rating opens a service-recovery case. Part of `MerchantRules`.

use super::coupon_template::CouponTemplate;
use crate::store::StoreError;
use sqlx::{AnyConnection, FromRow};
use std::collections::HashMap;
use wallet_core::loyalty_rules::SECS_PER_DAY;
use wallet_core::survey::SurveyDefinition;
use wallet_core::LocalizedText;

#[derive(Clone, Debug)]
pub struct SurveyRule {
    pub id: String,
    pub title: LocalizedText,
    pub definition: SurveyDefinition,
    /// 0: after every visit (one open at a time); N: at most one invitation per N days.
    pub invite_every_days: u32,
    /// Seconds an invitation stays open.
    pub open_secs: i64,
    pub reward_points: i64,
    pub reward_coupon: Option<CouponTemplate>,
    /// A star rating at or below this opens a service-recovery case.
    pub recovery_at_most: u8,
    pub apology_coupon: Option<CouponTemplate>,
}

#[derive(FromRow)]
struct SurveyRow {
    id: String,
    title_zh: String,
    title_en: String,
    questions: String,
    invite_every_days: i64,
    expires_days: i64,
    reward_points: i64,
    reward_template_id: Option<String>,
    recovery_at_most: i64,
    apology_template_id: Option<String>,
}

/// The merchant's active survey (the first by id if there are several). One whose questions do
/// not form a valid survey is left out with a warning: a typo in the configuration must not stop
/// the counter, and a wallet would refuse the invitation anyway.
pub async fn load(
    conn: &mut AnyConnection,
    merchant_id: &str,
    templates: &HashMap<String, CouponTemplate>,
    has_points: bool,
) -> Result<Option<SurveyRule>, StoreError> {
    let row: Option<SurveyRow> = sqlx::query_as(
        "SELECT id, title_zh, title_en, questions, invite_every_days, expires_days, \
         reward_points, reward_template_id, recovery_at_most, apology_template_id \
         FROM surveys WHERE merchant_id = $1 AND active = 1 ORDER BY id LIMIT 1",
    )
    .bind(merchant_id)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let definition = match serde_json::from_str::<SurveyDefinition>(&row.questions) {
        Ok(definition) => match definition.validate() {
            Ok(()) => definition,
            Err(error) => {
                tracing::warn!("survey {}: {error}; survey ignored", row.id);
                return Ok(None);
            }
        },
        Err(error) => {
            tracing::warn!(
                "survey {}: questions are not JSON of a survey: {error}",
                row.id
            );
            return Ok(None);
        }
    };
    let template = |id: Option<String>| id.and_then(|id| templates.get(&id).cloned());
    Ok(Some(SurveyRule {
        id: row.id,
        title: LocalizedText::new(row.title_zh, row.title_en),
        definition,
        invite_every_days: u32::try_from(row.invite_every_days.clamp(0, 366)).unwrap_or(0),
        open_secs: row.expires_days.clamp(1, 366) * SECS_PER_DAY,
        // Points only where the merchant keeps points.
        reward_points: if has_points {
            row.reward_points.clamp(0, 100_000)
        } else {
            0
        },
        reward_coupon: template(row.reward_template_id),
        recovery_at_most: u8::try_from(row.recovery_at_most.clamp(0, 4)).unwrap_or(2),
        apology_coupon: template(row.apology_template_id),
    }))
}
