//! What a merchant's staff read of their surveys (`GET /v1/cashier/surveys`): counts, the average
//! rating, the NPS, the open service-recovery cases and the latest comments.

use crate::store::StoreError;
use serde::Serialize;
use sqlx::{AnyConnection, FromRow};
use wallet_core::survey::{QuestionKind, SurveyDefinition};
use wallet_core::LocalizedText;

/// Most recovery cases and comments listed per survey (the newest).
const MAX_LISTED: i64 = 50;

#[derive(Debug, Serialize)]
pub struct SurveyResults {
    pub id: String,
    pub title: LocalizedText,
    pub active: bool,
    pub invited: i64,
    pub answered: i64,
    /// The mean of the lowest star rating of each answer, to one decimal; `null` with none.
    pub average_rating: Option<f64>,
    /// How many answers gave 1, 2, 3, 4 and 5 stars.
    pub rating_counts: [i64; 5],
    pub nps: Option<NetPromoter>,
    /// Open cases, newest first.
    pub recovery_cases: Vec<RecoveryCase>,
    /// Text answers, newest first.
    pub recent_comments: Vec<Comment>,
}

#[derive(Debug, Serialize)]
pub struct NetPromoter {
    /// Promoters' share less detractors', in whole percent (-100 to 100).
    pub score: i64,
    pub promoters: i64,
    pub passives: i64,
    pub detractors: i64,
}

#[derive(Debug, Serialize, FromRow)]
pub struct RecoveryCase {
    pub id: String,
    pub membership_id: String,
    pub rating: i64,
    pub comment: Option<String>,
    pub opened_at: i64,
}

#[derive(Debug, Serialize)]
pub struct Comment {
    pub question: String,
    pub text: String,
    pub rating: Option<i64>,
    pub answered_at: i64,
}

#[derive(FromRow)]
struct SurveyRow {
    id: String,
    title_zh: String,
    title_en: String,
    questions: String,
    active: i64,
}

#[derive(FromRow)]
struct Counts {
    invited: i64,
    answered: i64,
}

#[derive(FromRow)]
struct AnswerRow {
    answers: Option<String>,
    rating: Option<i64>,
    answered_at: Option<i64>,
}

/// Every survey of the merchant, by id.
pub async fn for_merchant(
    conn: &mut AnyConnection,
    merchant_id: &str,
) -> Result<Vec<SurveyResults>, StoreError> {
    let surveys: Vec<SurveyRow> = sqlx::query_as(
        "SELECT id, title_zh, title_en, questions, active FROM surveys \
         WHERE merchant_id = $1 ORDER BY id",
    )
    .bind(merchant_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut results = Vec::with_capacity(surveys.len());
    for survey in surveys {
        results.push(one(conn, survey).await?);
    }
    Ok(results)
}

async fn one(conn: &mut AnyConnection, survey: SurveyRow) -> Result<SurveyResults, StoreError> {
    let counts: Counts = sqlx::query_as(
        "SELECT COUNT(*) AS invited, \
         CAST(COALESCE(SUM(CASE WHEN state = 'answered' THEN 1 ELSE 0 END), 0) AS BIGINT) AS answered \
         FROM survey_invitations WHERE survey_id = $1",
    )
    .bind(&survey.id)
    .fetch_one(&mut *conn)
    .await?;
    let scores: Vec<(Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT rating, nps FROM survey_invitations WHERE survey_id = $1 AND state = 'answered'",
    )
    .bind(&survey.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut rating_counts = [0i64; 5];
    let (mut promoters, mut passives, mut detractors) = (0i64, 0i64, 0i64);
    for (rating, nps) in &scores {
        if let Some(stars @ 1..=5) = rating {
            rating_counts[(*stars - 1) as usize] += 1;
        }
        match nps {
            Some(9..=10) => promoters += 1,
            Some(7..=8) => passives += 1,
            Some(0..=6) => detractors += 1,
            _ => {}
        }
    }
    let rated: i64 = rating_counts.iter().sum();
    let average_rating = (rated > 0).then(|| {
        let total: i64 = rating_counts
            .iter()
            .enumerate()
            .map(|(i, n)| (i as i64 + 1) * n)
            .sum();
        (total as f64 / rated as f64 * 10.0).round() / 10.0
    });
    let nps_answers = promoters + passives + detractors;
    let nps = (nps_answers > 0).then(|| NetPromoter {
        score: ((promoters - detractors) as f64 * 100.0 / nps_answers as f64).round() as i64,
        promoters,
        passives,
        detractors,
    });

    let recovery_cases: Vec<RecoveryCase> = sqlx::query_as(
        "SELECT c.id, c.membership_id, c.rating, c.comment, c.opened_at FROM recovery_cases c \
         JOIN survey_invitations i ON i.id = c.invitation_id \
         WHERE i.survey_id = $1 AND c.state = 'open' ORDER BY c.opened_at DESC, c.id LIMIT $2",
    )
    .bind(&survey.id)
    .bind(MAX_LISTED)
    .fetch_all(&mut *conn)
    .await?;

    let definition: Option<SurveyDefinition> = serde_json::from_str(&survey.questions).ok();
    let text_questions: Vec<String> = definition
        .iter()
        .flat_map(|d| &d.questions)
        .filter(|q| matches!(q.kind, QuestionKind::ShortText { .. }))
        .map(|q| q.id.clone())
        .collect();
    let answered: Vec<AnswerRow> = if text_questions.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(
            "SELECT answers, rating, answered_at FROM survey_invitations \
             WHERE survey_id = $1 AND state = 'answered' ORDER BY answered_at DESC, id LIMIT $2",
        )
        .bind(&survey.id)
        .bind(MAX_LISTED)
        .fetch_all(&mut *conn)
        .await?
    };
    let recent_comments = answered
        .iter()
        .flat_map(|row| {
            let answers: serde_json::Value = row
                .answers
                .as_deref()
                .and_then(|a| serde_json::from_str(a).ok())
                .unwrap_or_default();
            text_questions.iter().filter_map(move |question| {
                Some(Comment {
                    question: question.clone(),
                    text: answers.get(question)?.as_str()?.to_owned(),
                    rating: row.rating,
                    answered_at: row.answered_at.unwrap_or(0),
                })
            })
        })
        .take(MAX_LISTED as usize)
        .collect();

    Ok(SurveyResults {
        id: survey.id,
        title: LocalizedText::new(survey.title_zh, survey.title_en),
        active: survey.active != 0,
        invited: counts.invited,
        answered: counts.answered,
        average_rating,
        rating_counts,
        nps,
        recovery_cases,
        recent_comments,
    })
}
