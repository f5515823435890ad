//! The demo's survey (part of the `--demo` seed): the café asks after every visit how it went,
//! thanks the member with a coupon, and apologises with another after a rating of 2 stars or
//! less. Seeding adds only what is missing.

use super::loyalty::insert_template;
use crate::store::StoreError;
use serde_json::json;
use sqlx::AnyPool;

pub const CAFE_SURVEY: &str = "cafe-visit";

/// A text in Traditional Chinese and English.
type Texts = (&'static str, &'static str);

/// (id, title, terms, valid days) of the café's two survey coupons.
const TEMPLATES: [(&str, Texts, Texts, i64); 2] = [
    (
        "cafe-survey-thanks",
        ("飲品折價 NT$20", "NT$20 off a drink"),
        (
            "謝謝你填寫問卷。任一飲品折抵 NT$20，不與其他優惠併用。",
            "Thank you for answering our survey. NT$20 off any drink; not combined with other offers.",
        ),
        30,
    ),
    (
        "cafe-apology",
        ("招待飲品一杯", "A drink on the house"),
        (
            "很抱歉上次的體驗不好。下次來店招待任一飲品。",
            "We're sorry about your last visit. Any drink on the house next time.",
        ),
        60,
    ),
];

/// The café's questions: the stars, what went wrong (only after 2 stars or less), how likely a
/// recommendation is, and what the member had.
pub fn cafe_questions() -> serde_json::Value {
    json!({"questions": [
        {"id": "overall", "type": "rating", "required": true,
         "prompt": {"zh-TW": "今天的體驗如何？", "en": "How was your visit today?"}},
        {"id": "what_went_wrong", "type": "short_text", "max_chars": 200,
         "show_if": {"question": "overall", "at_most": 2},
         "prompt": {"zh-TW": "哪裡讓你不滿意？", "en": "What went wrong?"}},
        {"id": "recommend", "type": "nps",
         "prompt": {"zh-TW": "你有多大可能推薦我們給朋友？", "en": "How likely are you to recommend us to a friend?"}},
        {"id": "ordered", "type": "multiple_choice",
         "prompt": {"zh-TW": "你今天點了什麼？", "en": "What did you have today?"},
         "choices": [
            {"id": "coffee", "label": {"zh-TW": "咖啡", "en": "Coffee"}},
            {"id": "tea", "label": {"zh-TW": "茶", "en": "Tea"}},
            {"id": "pastry", "label": {"zh-TW": "甜點", "en": "Pastry"}},
            {"id": "brunch", "label": {"zh-TW": "早午餐", "en": "Brunch"}}]},
        {"id": "comment", "type": "short_text", "max_chars": 200,
         "prompt": {"zh-TW": "還有什麼想告訴我們的嗎？", "en": "Anything else you'd like to tell us?"}}
    ]})
}

pub async fn seed(db: &AnyPool) -> Result<(), StoreError> {
    for (id, title, terms, valid_days) in TEMPLATES {
        insert_template(db, "morning-cafe", id, title, terms, valid_days).await?;
    }
    sqlx::query(
        "INSERT INTO surveys (id, merchant_id, title_zh, title_en, questions, invite_every_days, \
         expires_days, reward_points, reward_template_id, recovery_at_most, apology_template_id, \
         active) VALUES ($1, 'morning-cafe', $2, $3, $4, 0, 7, 0, 'cafe-survey-thanks', 2, \
         'cafe-apology', 1) ON CONFLICT DO NOTHING",
    )
    .bind(CAFE_SURVEY)
    .bind("晨光咖啡來店問卷")
    .bind("Morning Light Café visit survey")
    .bind(cafe_questions().to_string())
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wallet_core::survey::SurveyDefinition;

    #[test]
    fn the_demo_survey_is_one_a_wallet_can_show() {
        let definition: SurveyDefinition = serde_json::from_value(cafe_questions()).unwrap();
        definition.validate().unwrap();
    }
}
