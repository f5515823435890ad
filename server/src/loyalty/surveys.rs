//! Surveys after a visit: a purchase invites the member (`invite_after_purchase`), the wallet
//! answers with `survey.answer` (`answer`): the answers are checked with the rules the wallet
//! uses (`wallet_core::survey`), the reward is given once per invitation, and a low rating opens a
//! service-recovery case with a message (and an apology coupon, if the merchant has one).

use super::games;
use super::gifts::{self, Gift, Given};
use super::messages;
use super::rules::MerchantRules;
use super::survey_rule::SurveyRule;
use super::{rejected, MemberRow};
use crate::store::entities::{new_id, to_data, Audience, EntityBatch, Param, Statement};
use crate::store::StoreError;
use sqlx::{AnyConnection, FromRow};
use wallet_core::loyalty::{CouponSource, LedgerReason};
use wallet_core::message::{MessageData, MessageTopic};
use wallet_core::survey::{
    survey_answer, Answer, Answers, InvitationState, QuestionKind, SurveyInvitationData,
    SurveyReward,
};
use wallet_core::sync::{EntityKind, MutationOutcome};
use wallet_core::LocalizedText;

#[derive(FromRow)]
pub(super) struct InvitationRow {
    pub(super) id: String,
    pub(super) survey_id: String,
    pub(super) issued_at: i64,
    pub(super) expires_at: i64,
    pub(super) state: String,
}

impl InvitationRow {
    fn state(&self) -> InvitationState {
        match self.state.as_str() {
            "answered" => InvitationState::Answered,
            "expired" => InvitationState::Expired,
            _ => InvitationState::Open,
        }
    }
}

const INVITATION_COLUMNS: &str = "id, survey_id, issued_at, expires_at, state";

/// After a purchase: invites the member to the merchant's survey unless an invitation is still
/// open, or (for a survey sent at most every N days) one was issued less than N days ago. An
/// open invitation past its time is marked expired first. Returns whether it invited. `known`:
/// the member's last invitation to the merchant's survey, if the caller read it already in this
/// transaction (`Some(None)`: there is none).
pub(super) async fn invite_after_purchase(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    membership_id: &str,
    known: Option<Option<InvitationRow>>,
    now: i64,
) -> Result<bool, StoreError> {
    let Some(survey) = &rules.survey else {
        return Ok(false);
    };
    let last: Option<InvitationRow> = match known {
        Some(known) => known.filter(|row| row.survey_id == survey.id),
        None => {
            sqlx::query_as(&format!(
                "SELECT {INVITATION_COLUMNS} FROM survey_invitations \
                 WHERE membership_id = $1 AND survey_id = $2 ORDER BY issued_at DESC LIMIT 1"
            ))
            .bind(membership_id)
            .bind(&survey.id)
            .fetch_optional(&mut *conn)
            .await?
        }
    };
    if let Some(last) = &last {
        let open = last.state() == InvitationState::Open;
        if open && now < last.expires_at {
            return Ok(false);
        }
        let wait = i64::from(survey.invite_every_days) * wallet_core::loyalty_rules::SECS_PER_DAY;
        if now < last.issued_at + wait {
            return Ok(false);
        }
        if open {
            set_state(conn, &last.id, InvitationState::Expired).await?;
            write_invitation(
                batch,
                survey,
                membership_id,
                last,
                InvitationState::Expired,
                None,
            )?;
        }
    }
    let invitation = InvitationRow {
        id: new_id("sv")?,
        survey_id: survey.id.clone(),
        issued_at: now,
        expires_at: now + survey.open_secs,
        state: "open".into(),
    };
    // Nothing after it in a purchase reads invitations: sent with the entity rows.
    batch.defer(Statement::new(
        "INSERT INTO survey_invitations (id, survey_id, membership_id, issued_at, expires_at, state) \
         VALUES ($1, $2, $3, $4, $5, 'open')",
        vec![
            Param::from(invitation.id.as_str()),
            Param::from(survey.id.as_str()),
            Param::from(membership_id),
            Param::from(invitation.issued_at),
            Param::from(invitation.expires_at),
        ],
    ));
    write_invitation(
        batch,
        survey,
        membership_id,
        &invitation,
        InvitationState::Open,
        None,
    )?;
    Ok(true)
}

/// `survey.answer`: answers an open invitation of this member, once.
pub async fn answer(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    member: &MemberRow,
    invitation_id: &str,
    raw_answers: &serde_json::Value,
    now: i64,
) -> Result<MutationOutcome, StoreError> {
    let invitation: Option<InvitationRow> = sqlx::query_as(&format!(
        "SELECT {INVITATION_COLUMNS} FROM survey_invitations WHERE id = $1 AND membership_id = $2"
    ))
    .bind(invitation_id)
    .bind(&member.id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(invitation) = invitation else {
        return Ok(rejected(
            survey_answer::SURVEY_UNKNOWN,
            "this survey is not one you were invited to",
        ));
    };
    // Answered against the merchant's survey as it is now: an invitation of a survey since
    // withdrawn or replaced can no longer be answered.
    let Some(survey) = rules
        .survey
        .as_ref()
        .filter(|s| s.id == invitation.survey_id)
    else {
        return Ok(rejected(
            survey_answer::SURVEY_UNKNOWN,
            "this survey is no longer offered",
        ));
    };
    match invitation.state() {
        InvitationState::Answered => {
            return Ok(rejected(
                survey_answer::SURVEY_CLOSED,
                "this survey was already answered",
            ))
        }
        InvitationState::Expired => return Ok(closed_by_time()),
        InvitationState::Open if now >= invitation.expires_at => {
            set_state(conn, &invitation.id, InvitationState::Expired).await?;
            write_invitation(
                batch,
                survey,
                &member.id,
                &invitation,
                InvitationState::Expired,
                None,
            )?;
            return Ok(closed_by_time());
        }
        InvitationState::Open => {}
    }
    let answers = match Answers::check(&survey.definition, raw_answers) {
        Ok(answers) => answers,
        Err(problems) => {
            let named: Vec<String> = problems
                .iter()
                .map(|p| format!("{} ({:?})", p.question, p.kind))
                .collect();
            return Ok(rejected(
                survey_answer::INVALID_ANSWERS,
                format!("these answers cannot be accepted: {}", named.join(", ")),
            ));
        }
    };
    let rating = answers.lowest_rating(&survey.definition);
    let nps = survey
        .definition
        .questions
        .iter()
        .filter(|q| q.kind == QuestionKind::Nps)
        .find_map(|q| match answers.get(&q.id) {
            Some(Answer::Scale(n)) => Some(*n),
            _ => None,
        });
    // The state moves from open only once: a second answer arriving in a race finds it answered.
    let updated = sqlx::query(
        "UPDATE survey_invitations SET state = 'answered', answers = $1, answered_at = $2, \
         rating = $3, nps = $4 WHERE id = $5 AND state = 'open'",
    )
    .bind(answers.to_json().to_string())
    .bind(now)
    .bind(rating.map(i64::from))
    .bind(nps.map(i64::from))
    .bind(&invitation.id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Ok(rejected(
            survey_answer::SURVEY_CLOSED,
            "this survey was already answered",
        ));
    }
    write_invitation(
        batch,
        survey,
        &member.id,
        &invitation,
        InvitationState::Answered,
        Some(now),
    )?;
    give_reward(conn, batch, rules, survey, member, now).await?;
    let occasion = games::Occasion::SurveyAnswered;
    games::issue_for(conn, batch, rules, &member.id, occasion, None, now).await?;
    if let Some(rating) = rating.filter(|r| *r <= survey.recovery_at_most) {
        let comment = first_text(&answers, survey);
        open_recovery_case(
            conn,
            batch,
            rules,
            survey,
            member,
            &invitation.id,
            rating,
            comment,
            now,
        )
        .await?;
    }
    Ok(MutationOutcome::Applied)
}

/// The points or coupon for answering, with a message that says so.
async fn give_reward(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    survey: &SurveyRule,
    member: &MemberRow,
    now: i64,
) -> Result<(), StoreError> {
    let gift = Gift {
        coupon: survey.reward_coupon.as_ref(),
        source: CouponSource::Survey,
        points: survey.reward_points,
        reason: LedgerReason::Survey,
        note: &survey.title,
    };
    let Given {
        coupon_code,
        points,
    } = gifts::give(conn, batch, rules, member, gift, now).await?;
    if points == 0 && coupon_code.is_none() {
        return Ok(());
    }
    let body = match (&survey.reward_coupon, points) {
        (Some(template), 0) => LocalizedText::new(
            format!("謝謝你的回饋！「{}」已放進優惠券夾。", template.title.zh_tw),
            format!(
                "Thank you for your feedback! \"{}\" is in your coupons.",
                template.title.en
            ),
        ),
        (_, points) => LocalizedText::new(
            format!("謝謝你的回饋！已為你加上 {points} 點。"),
            format!("Thank you for your feedback! {points} points have been added."),
        ),
    };
    let message = MessageData {
        topic: MessageTopic::SurveyReward,
        title: LocalizedText::new("謝謝你的回饋", "Thanks for your feedback"),
        body,
        sent_at: now,
        coupon_code,
        read_at: None,
    };
    messages::send(batch, &member.id, &message)
}

#[allow(clippy::too_many_arguments)] // each is one fact of the case; a struct would only rename them
async fn open_recovery_case(
    conn: &mut AnyConnection,
    batch: &mut EntityBatch,
    rules: &MerchantRules,
    survey: &SurveyRule,
    member: &MemberRow,
    invitation_id: &str,
    rating: u8,
    comment: Option<String>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO recovery_cases (id, invitation_id, merchant_id, membership_id, rating, \
         comment, opened_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')",
    )
    .bind(new_id("rc")?)
    .bind(invitation_id)
    .bind(&member.merchant_id)
    .bind(&member.id)
    .bind(i64::from(rating))
    .bind(comment)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let apology = Gift {
        coupon: survey.apology_coupon.as_ref(),
        source: CouponSource::ServiceRecovery,
        points: 0,
        reason: LedgerReason::Survey,
        note: &survey.title,
    };
    let coupon_code = gifts::give(conn, batch, rules, member, apology, now)
        .await?
        .coupon_code;
    let shop = &rules.merchant.name;
    let body = match &survey.apology_coupon {
        Some(template) => LocalizedText::new(
            format!(
                "很抱歉這次的體驗不好。{}的店長會與你聯絡，也請收下「{}」。",
                shop.zh_tw, template.title.zh_tw
            ),
            format!(
                "We're sorry your visit fell short. The manager of {} will contact you; please accept \"{}\".",
                shop.en, template.title.en
            ),
        ),
        None => LocalizedText::new(
            format!("很抱歉這次的體驗不好。{}的店長會與你聯絡。", shop.zh_tw),
            format!("We're sorry your visit fell short. The manager of {} will contact you.", shop.en),
        ),
    };
    let message = MessageData {
        topic: MessageTopic::ServiceRecovery,
        title: LocalizedText::new("我們聽到了", "We hear you"),
        body,
        sent_at: now,
        coupon_code,
        read_at: None,
    };
    messages::send(batch, &member.id, &message)
}

/// The first text answer (what went wrong), for the manager's case list.
fn first_text(answers: &Answers, survey: &SurveyRule) -> Option<String> {
    survey
        .definition
        .questions
        .iter()
        .find_map(|q| match answers.get(&q.id) {
            Some(Answer::Text(text)) => Some(text.clone()),
            _ => None,
        })
}

async fn set_state(
    conn: &mut AnyConnection,
    invitation_id: &str,
    state: InvitationState,
) -> Result<(), StoreError> {
    let state = match state {
        InvitationState::Open => "open",
        InvitationState::Answered => "answered",
        InvitationState::Expired => "expired",
    };
    sqlx::query("UPDATE survey_invitations SET state = $1 WHERE id = $2")
        .bind(state)
        .bind(invitation_id)
        .execute(conn)
        .await?;
    Ok(())
}

fn write_invitation(
    batch: &mut EntityBatch,
    survey: &SurveyRule,
    membership_id: &str,
    invitation: &InvitationRow,
    state: InvitationState,
    answered_at: Option<i64>,
) -> Result<(), StoreError> {
    let data = SurveyInvitationData {
        survey_id: survey.id.clone(),
        title: survey.title.clone(),
        definition: survey.definition.clone(),
        issued_at: invitation.issued_at,
        expires_at: invitation.expires_at,
        state,
        reward: SurveyReward {
            points: survey.reward_points,
            coupon_title: survey.reward_coupon.as_ref().map(|t| t.title.clone()),
        },
        answered_at,
    };
    batch.put(
        Audience::Membership(membership_id.to_owned()),
        EntityKind::Survey,
        invitation.id.clone(),
        to_data(&data)?,
    );
    Ok(())
}

fn closed_by_time() -> MutationOutcome {
    rejected(survey_answer::SURVEY_CLOSED, "this survey has closed")
}
