//! Surveys against a real database (SQLite, or the PostgreSQL of TEST_DATABASE_URL), with the
//! demo café's survey: a purchase invites the member (one open invitation at a time), answering
//! gives the thanks coupon once, a low rating opens a service-recovery case with a message and an
//! apology coupon, bad answers are refused with nothing stored, and the staff's results count it
//! all. Every entity a wallet receives is parsed with the core types and validated.

mod common;

use axum::http::StatusCode;
use common::till::*;
use common::{Member, TestApp};
use serde_json::{json, Value};
use wallet_core::loyalty::{CouponData, CouponSource};
use wallet_core::message::{MessageData, MessageTopic};
use wallet_core::survey::{survey_answer, InvitationState, SurveyInvitationData};
use wallet_core::sync::{EntityKind, MutationOutcome};
use wallet_server::demo::{surveys::CAFE_SURVEY, CAFE};

fn invitations(snapshot: &Snapshot) -> Vec<(String, SurveyInvitationData)> {
    let all: Vec<(String, SurveyInvitationData)> = snapshot.all(EntityKind::Survey);
    for (id, invitation) in &all {
        assert!(invitation.validate(), "survey {id}: {invitation:?}");
    }
    all
}

/// The messages a survey sent (the demo café's welcome left out).
fn messages(snapshot: &Snapshot) -> Vec<MessageData> {
    snapshot
        .all::<MessageData>(EntityKind::Message)
        .into_iter()
        .filter(|(_, message)| message.topic != MessageTopic::Welcome)
        .map(|(id, message)| {
            assert!(message.validate(), "message {id}: {message:?}");
            message
        })
        .collect()
}

/// The member's one open invitation, after a purchase.
async fn invited(app: &TestApp, member: &Member) -> String {
    buy(app, member, 180, CAFE.cashier_key).await;
    let open: Vec<String> = invitations(&snapshot(app, member).await)
        .into_iter()
        .filter(|(_, i)| i.state == InvitationState::Open)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(open.len(), 1, "one open invitation");
    open[0].clone()
}

fn answer(seq: u64, invitation_id: &str, answers: Value) -> wallet_core::sync::Mutation {
    mutation(
        seq,
        survey_answer::NAME,
        json!({ "invitation_id": invitation_id, "answers": answers }),
    )
}

async fn results(app: &TestApp) -> Value {
    let response = app
        .get(
            "/v1/cashier/surveys",
            &[("authorization", &format!("Bearer {}", CAFE.cashier_key))],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let all = response.json();
    all["surveys"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|s| s["id"] == CAFE_SURVEY)
        .expect("the café's survey")
        .clone()
}

#[tokio::test]
async fn a_purchase_invites_once_and_answering_thanks_once() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let invitation = invited(&app, &member).await;
    // A second visit while the first invitation is open sends no second one.
    buy(&app, &member, 90, CAFE.cashier_key).await;
    assert_eq!(invitations(&snapshot(&app, &member).await).len(), 1);

    let good = json!({"overall": 5, "recommend": 10, "ordered": ["coffee"], "comment": "手沖很香"});
    let outcome = push(&app, &member, answer(1, &invitation, good.clone())).await;
    assert_eq!(outcome, MutationOutcome::Applied);

    let after = snapshot(&app, &member).await;
    let (_, answered) = invitations(&after).remove(0);
    assert_eq!(answered.state, InvitationState::Answered);
    assert!(answered.answered_at.is_some());
    let thanks: Vec<CouponData> = after
        .coupons()
        .into_iter()
        .filter(|c| c.source == CouponSource::Survey)
        .collect();
    assert_eq!(thanks.len(), 1, "the thanks coupon, once");
    let told = messages(&after);
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].topic, MessageTopic::SurveyReward);
    assert_eq!(
        told[0].coupon_code.as_deref(),
        Some(thanks[0].code.as_str())
    );

    // Answering again (another mutation, not a resend) is refused, and gives nothing more.
    let again = push(&app, &member, answer(2, &invitation, good)).await;
    assert_eq!(rejected_with(&again), survey_answer::SURVEY_CLOSED);
    let unchanged = snapshot(&app, &member).await;
    assert_eq!(
        unchanged
            .coupons()
            .iter()
            .filter(|c| c.source == CouponSource::Survey)
            .count(),
        1
    );
    // The next visit invites again.
    buy(&app, &member, 90, CAFE.cashier_key).await;
    let now_open = invitations(&snapshot(&app, &member).await)
        .into_iter()
        .filter(|(_, i)| i.state == InvitationState::Open)
        .count();
    assert_eq!(now_open, 1);

    let summary = results(&app).await;
    assert_eq!(summary["invited"], 2);
    assert_eq!(summary["answered"], 1);
    assert_eq!(summary["average_rating"], 5.0);
    assert_eq!(summary["nps"]["score"], 100);
    assert_eq!(summary["recent_comments"][0]["text"], "手沖很香");
    assert_eq!(summary["recovery_cases"], json!([]));
}

#[tokio::test]
async fn a_low_rating_opens_a_recovery_case_with_an_apology() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let invitation = invited(&app, &member).await;
    let low = json!({"overall": 1, "what_went_wrong": "<b>咖啡是冷的</b>", "recommend": 3});
    assert_eq!(
        push(&app, &member, answer(1, &invitation, low)).await,
        MutationOutcome::Applied
    );
    let after = snapshot(&app, &member).await;
    let told = messages(&after);
    let recovery: Vec<&MessageData> = told
        .iter()
        .filter(|m| m.topic == MessageTopic::ServiceRecovery)
        .collect();
    assert_eq!(recovery.len(), 1, "{told:?}");
    assert!(recovery[0].body.zh_tw.contains("店長會與你聯絡"));
    let apology: Vec<CouponData> = after
        .coupons()
        .into_iter()
        .filter(|c| c.source == CouponSource::ServiceRecovery)
        .collect();
    assert_eq!(apology.len(), 1);
    assert_eq!(
        recovery[0].coupon_code.as_deref(),
        Some(apology[0].code.as_str())
    );

    let summary = results(&app).await;
    let cases = summary["recovery_cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["membership_id"], member.id());
    assert_eq!(cases[0]["rating"], 1);
    // Stored as typed: markup is text, for whoever shows it to escape.
    assert_eq!(cases[0]["comment"], "<b>咖啡是冷的</b>");
    assert_eq!(summary["rating_counts"], json!([1, 0, 0, 0, 0]));
    assert_eq!(summary["nps"]["detractors"], 1);
    assert_eq!(summary["nps"]["score"], -100);
}

#[tokio::test]
async fn bad_answers_are_refused_and_nothing_is_stored() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let invitation = invited(&app, &member).await;
    let long = "很".repeat(201);
    for (seq, answers) in [
        json!({"recommend": 9}),                        // the required rating missing
        json!({"overall": 1, "what_went_wrong": long}), // over the 200-character limit
        json!({"overall": 6}),                          // off the scale
        json!({"overall": 4, "what_went_wrong": "not asked"}), // a follow-up not shown
        json!({"overall": 4, "ordered": ["caviar"]}),   // not a choice
        json!({"overall": 4, "comment": "ok\u{202e}gnorw"}), // text that hides itself
    ]
    .into_iter()
    .enumerate()
    {
        let outcome = push(
            &app,
            &member,
            answer(seq as u64 + 1, &invitation, answers.clone()),
        )
        .await;
        assert_eq!(
            rejected_with(&outcome),
            survey_answer::INVALID_ANSWERS,
            "{answers}"
        );
    }
    let unknown = push(&app, &member, answer(7, "sv_nobody", json!({"overall": 5}))).await;
    assert_eq!(rejected_with(&unknown), survey_answer::SURVEY_UNKNOWN);

    let after = snapshot(&app, &member).await;
    let (_, still) = invitations(&after).remove(0);
    assert_eq!(
        still.state,
        InvitationState::Open,
        "still open to a good answer"
    );
    assert!(messages(&after).is_empty());
    assert!(after
        .coupons()
        .iter()
        .all(|c| c.source != CouponSource::Survey));
    assert_eq!(results(&app).await["answered"], 0);
    // And a good answer after all that is taken.
    let good = push(&app, &member, answer(8, &invitation, json!({"overall": 4}))).await;
    assert_eq!(good, MutationOutcome::Applied);
}

#[tokio::test]
async fn another_members_invitation_cannot_be_answered() {
    let app = TestApp::start().await;
    let owner = app.enroll("CAFE").await;
    let stranger = app.enroll("CAFE").await;
    let invitation = invited(&app, &owner).await;
    let outcome = push(
        &app,
        &stranger,
        answer(1, &invitation, json!({"overall": 5})),
    )
    .await;
    assert_eq!(rejected_with(&outcome), survey_answer::SURVEY_UNKNOWN);
    let (_, still) = invitations(&snapshot(&app, &owner).await).remove(0);
    assert_eq!(still.state, InvitationState::Open);
}

#[tokio::test]
async fn an_expired_invitation_is_closed_and_the_next_visit_invites_again() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let invitation = invited(&app, &member).await;
    app.clock.advance(8 * 86_400); // the café's invitations stay open 7 days
    let late = push(&app, &member, answer(1, &invitation, json!({"overall": 5}))).await;
    assert_eq!(rejected_with(&late), survey_answer::SURVEY_CLOSED);
    buy(&app, &member, 90, CAFE.cashier_key).await;
    let all = invitations(&snapshot(&app, &member).await);
    let states: Vec<InvitationState> = all.iter().map(|(_, i)| i.state).collect();
    assert_eq!(states.len(), 2);
    assert!(states.contains(&InvitationState::Expired));
    assert!(states.contains(&InvitationState::Open));
}

#[tokio::test]
async fn the_results_need_the_merchants_own_key() {
    let app = TestApp::start().await;
    let response = app.get("/v1/cashier/surveys", &[]).await;
    response.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    let other = app
        .get(
            "/v1/cashier/surveys",
            &[("authorization", "Bearer demo-cashier-books")],
        )
        .await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(
        other.json()["surveys"],
        json!([]),
        "the bookshop has no survey"
    );
}
