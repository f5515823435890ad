//! The inbox's issuer side and leaving, against a real database (SQLite, or the PostgreSQL of
//! TEST_DATABASE_URL) with the demo merchants: a new member gets the merchant's welcome; the ramen
//! shop's 30-day points bring a points-expiring message, once; `message.read` marks a message
//! read for every device and only a message of the member's own; `membership.leave` ends the
//! token and the member code.

mod common;

use axum::http::StatusCode;
use common::till::*;
use common::TestApp;
use serde_json::json;
use wallet_core::message::{message_read, MessageData, MessageTopic};
use wallet_core::protocol::error_code;
use wallet_core::sync::{EntityKind, MutationOutcome};
use wallet_server::demo::{CAFE, RAMEN};

fn messages(snapshot: &Snapshot) -> Vec<(String, MessageData)> {
    let all: Vec<(String, MessageData)> = snapshot.all(EntityKind::Message);
    for (id, message) in &all {
        assert!(message.validate(), "message {id}: {message:?}");
    }
    all
}

#[tokio::test]
async fn a_new_member_is_welcomed_and_reading_syncs_to_every_device() {
    let app = TestApp::start().await;
    let member = app.enroll(CAFE.join_code).await;
    let all = messages(&snapshot(&app, &member).await);
    assert_eq!(all.len(), 1, "the welcome only: {all:?}");
    let (id, welcome) = &all[0];
    assert_eq!(welcome.topic, MessageTopic::Welcome);
    assert_eq!(welcome.title.en, "Welcome to Morning Light Café");
    assert_eq!(welcome.read_at, None, "unread");

    let read = |seq| mutation(seq, message_read::NAME, json!({ "message_id": id }));
    assert_eq!(push(&app, &member, read(1)).await, MutationOutcome::Applied);
    // Another device of the member (a fresh snapshot) sees it read.
    let after = messages(&snapshot(&app, &member).await);
    let read_at = after[0].1.read_at.expect("read on the issuer");
    assert!(read_at > 0);
    // Read again (from a second device): applied, nothing changes.
    assert_eq!(push(&app, &member, read(2)).await, MutationOutcome::Applied);
    assert_eq!(
        messages(&snapshot(&app, &member).await)[0].1.read_at,
        Some(read_at)
    );

    // A message of another member, or none at all, is not in this inbox.
    let stranger = app.enroll(CAFE.join_code).await;
    let theirs = mutation(1, message_read::NAME, json!({ "message_id": id }));
    assert_eq!(
        rejected_with(&push(&app, &stranger, theirs).await),
        message_read::MESSAGE_UNKNOWN
    );
    let none = mutation(
        3,
        message_read::NAME,
        json!({ "message_id": "msg_nothing" }),
    );
    assert_eq!(
        rejected_with(&push(&app, &member, none).await),
        message_read::MESSAGE_UNKNOWN
    );
    let stranger_messages = messages(&snapshot(&app, &stranger).await);
    assert_eq!(
        stranger_messages[0].1.read_at, None,
        "their own stays unread"
    );
}

#[tokio::test]
async fn points_about_to_expire_are_announced_once() {
    let app = TestApp::start().await;
    let member = app.enroll(RAMEN.join_code).await;
    let first = messages(&snapshot(&app, &member).await);
    let expiring: Vec<&MessageData> = first
        .iter()
        .map(|(_, m)| m)
        .filter(|m| m.topic == MessageTopic::PointsExpiring)
        .collect();
    assert_eq!(expiring.len(), 1, "{first:?}");
    assert!(
        expiring[0]
            .body
            .en
            .starts_with("50 of your points expire on "),
        "{:?}",
        expiring[0].body
    );
    assert!(expiring[0].body.zh_tw.contains("50 點"));
    // Later syncs send no second notice for the same points.
    let later = messages(&snapshot(&app, &member).await);
    assert_eq!(later.len(), first.len());
    // The café has no notice (its stamps do not expire as points do).
    let cafe = app.enroll(CAFE.join_code).await;
    assert!(messages(&snapshot(&app, &cafe).await)
        .iter()
        .all(|(_, m)| m.topic != MessageTopic::PointsExpiring));
}

/// How many entity rows the issuer keeps for the membership.
async fn entities_of(app: &TestApp, membership_id: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM entities WHERE membership_id = '{membership_id}'");
    count(app, &sql).await
}

#[tokio::test]
async fn a_member_who_leaves_can_no_longer_sync_or_be_scanned() {
    let app = TestApp::start().await;
    let member = app.enroll(CAFE.join_code).await;
    assert_eq!(
        app.scan(&member, 0, CAFE.cashier_key).await.status,
        StatusCode::OK
    );
    let leave = mutation(1, "membership.leave", json!({}));
    assert_eq!(push(&app, &member, leave).await, MutationOutcome::Applied);

    let body = json!({ "client_id": CLIENT, "cursor": null, "mutations": [] }).to_string();
    let again = app
        .post("/v1/sync", &body, Some(&member.enrolled.membership.token))
        .await;
    again.assert_error(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED);
    let scanned = app.scan(&member, 1, CAFE.cashier_key).await;
    scanned.assert_error(StatusCode::NOT_FOUND, error_code::MEMBERSHIP_UNKNOWN);
    assert_eq!(
        entities_of(&app, member.id()).await,
        0,
        "the wallet's copy on the issuer is gone"
    );
    // The start's backfill (entities for memberships that have none) leaves it gone too.
    wallet_server::store::entities::prepare(&app.pool)
        .await
        .expect("prepare");
    assert_eq!(entities_of(&app, member.id()).await, 0, "not made again");
}
