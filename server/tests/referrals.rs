//! Referrals against a real database (SQLite, or the PostgreSQL of TEST_DATABASE_URL): a friend
//! who joins with a member's code rewards both sides once, at the join or at the friend's first
//! purchase per the merchant's rules; a re-join does not count; one's own code and unknown codes
//! are refused with nothing stored; the referral entity tells the member what they earned.

mod common;

use axum::http::StatusCode;
use common::till::*;
use common::{member_from, Member, TestApp, TestResponse};
use serde_json::{json, Value};
use wallet_core::protocol::EnrollResponse;
use wallet_core::referral::{ReferralData, ReferralStatus};
use wallet_core::sync::EntityKind;
use wallet_server::demo::CAFE;

async fn enroll(app: &TestApp, body: Value) -> TestResponse {
    app.post("/v1/enroll", &body.to_string(), None).await
}

async fn join_referred(
    app: &TestApp,
    join_code: &str,
    code: &str,
    tokens: &[&str],
) -> (Member, Option<ReferralStatus>) {
    let body = json!({ "join_code": join_code, "referral_code": code, "link_tokens": tokens });
    let response = enroll(app, body).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let enrolled: EnrollResponse = response.json_as();
    let status = enrolled.referral.map(|r| r.status);
    (member_from(enrolled), status)
}

async fn referral(app: &TestApp, member: &Member) -> ReferralData {
    snapshot(app, member).await.one(EntityKind::Referral).1
}

fn token(member: &Member) -> &str {
    &member.enrolled.membership.token
}

#[tokio::test]
async fn a_friend_joining_rewards_both_once() {
    let app = TestApp::start().await;
    let a = app.enroll("BOOKS").await;
    let shared = referral(&app, &a).await;
    assert!(shared.validate());
    assert_eq!(shared.join_code, "BOOKS");
    assert!(shared.active);
    assert_eq!(shared.referrer_gift.points, 100);
    assert_eq!(shared.friend_gift.points, 50);
    assert_ne!(shared.code.as_str(), a.id(), "not the member id");
    assert_eq!(snapshot(&app, &a).await.balance().balance, 50, "welcome");

    // Typed by the friend: lower case, grouped.
    let typed = shared.code.grouped().to_lowercase();
    let (b, status) = join_referred(&app, "BOOKS", &typed, &[]).await;
    assert_eq!(status, Some(ReferralStatus::Rewarded));
    assert_eq!(
        snapshot(&app, &b).await.balance().balance,
        100,
        "welcome + 50"
    );
    let a_copy = snapshot(&app, &a).await;
    assert_eq!(a_copy.balance().balance, 150, "welcome + 100");
    assert!(a_copy
        .ledger()
        .iter()
        .any(|e| e.reason.as_str() == "referral" && e.points == 100));
    let after = referral(&app, &a).await;
    assert_eq!(
        (
            after.friends_joined,
            after.friends_pending,
            after.earned_points
        ),
        (1, 0, 100)
    );
    assert_ne!(
        referral(&app, &b).await.code,
        shared.code,
        "B has a code of its own"
    );

    // B joining again with the code (its wallet sends the tokens it holds here): no reward.
    let code = shared.code.as_str();
    let (_, again) = join_referred(&app, "BOOKS", code, &[token(&b)]).await;
    assert_eq!(again, Some(ReferralStatus::NotCounted));
    assert_eq!(snapshot(&app, &a).await.balance().balance, 150);
    assert_eq!(referral(&app, &a).await.friends_joined, 1);
}

#[tokio::test]
async fn ones_own_code_and_unknown_codes_are_refused_and_store_nothing() {
    let app = TestApp::start().await;
    let a = app.enroll("BOOKS").await;
    let code = referral(&app, &a).await.code;
    let before = count(&app, "SELECT COUNT(*) FROM memberships").await;

    let own =
        json!({ "join_code": "BOOKS", "referral_code": code.as_str(), "link_tokens": [token(&a)] });
    enroll(&app, own)
        .await
        .assert_error(StatusCode::CONFLICT, "referral_self");
    for bad in ["ZZZZZZZZZZ", "not-a-code", ""] {
        let body = json!({ "join_code": "BOOKS", "referral_code": bad });
        enroll(&app, body)
            .await
            .assert_error(StatusCode::NOT_FOUND, "referral_code_unknown");
    }
    // A code of another shop's member is unknown here.
    let other_shop = json!({ "join_code": "CAFE", "referral_code": code.as_str() });
    enroll(&app, other_shop)
        .await
        .assert_error(StatusCode::NOT_FOUND, "referral_code_unknown");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM memberships").await,
        before
    );
    assert_eq!(snapshot(&app, &a).await.balance().balance, 50);
}

#[tokio::test]
async fn on_first_purchase_the_gifts_land_at_the_friends_first_purchase_only() {
    let app = TestApp::start().await;
    let a = app.enroll("CAFE").await;
    let code = referral(&app, &a).await.code;
    let (b, status) = join_referred(&app, "CAFE", code.as_str(), &[]).await;
    assert_eq!(status, Some(ReferralStatus::OnFirstPurchase));
    let waiting = referral(&app, &a).await;
    assert_eq!((waiting.friends_joined, waiting.friends_pending), (0, 1));
    assert!(waiting.on_first_purchase);
    assert_eq!(snapshot(&app, &b).await.active_card().stamps, 0);

    buy(&app, &b, 100, CAFE.cashier_key).await;
    assert_eq!(
        snapshot(&app, &b).await.active_card().stamps,
        2,
        "the purchase's stamp and the friend's"
    );
    assert_eq!(snapshot(&app, &a).await.active_card().stamps, 2);
    let done = referral(&app, &a).await;
    assert_eq!(
        (
            done.friends_joined,
            done.friends_pending,
            done.earned_stamps
        ),
        (1, 0, 2)
    );

    app.clock.advance(86_400);
    buy(&app, &b, 100, CAFE.cashier_key).await;
    assert_eq!(snapshot(&app, &a).await.active_card().stamps, 2, "once");
    assert_eq!(snapshot(&app, &b).await.active_card().stamps, 3);
}

#[tokio::test]
async fn enroll_without_a_code_is_unchanged() {
    let app = TestApp::start().await;
    let response = enroll(&app, json!({ "join_code": "CAFE" })).await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.json().get("referral").is_none());
}
