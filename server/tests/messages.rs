//! The inbox's issuer side and leaving, against a real database (SQLite, or the PostgreSQL of
//! TEST_DATABASE_URL) with the demo merchants: a new member gets the merchant's welcome; the ramen
//! shop's 30-day points bring a points-expiring message, once; `message.read` marks a message
//! read for every device and only a message of the member's own; `membership.leave` ends the
//! token and the member code.

mod common;

use axum::http::StatusCode;
use common::till::*;
use common::{TestApp, TestResponse};
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

/// The staff's message to every member (`POST /v1/cashier/messages`), with `key`.
async fn announce(app: &TestApp, body: serde_json::Value, key: &str) -> TestResponse {
    cashier_post(app, "/v1/cashier/messages", body, key, None).await
}

#[tokio::test]
async fn the_staff_write_to_every_member_once_per_request_and_not_to_those_who_left() {
    let app = TestApp::start().await;
    let reader = app.enroll(CAFE.join_code).await;
    let gone = app.enroll(CAFE.join_code).await;
    let elsewhere = app.enroll(RAMEN.join_code).await;
    let leave = mutation(1, "membership.leave", json!({}));
    assert_eq!(push(&app, &gone, leave).await, MutationOutcome::Applied);

    let body = json!({
        "request_id": "news-autumn-menu",
        "title": { "zh-TW": "秋季新菜單上桌", "en": "Our autumn menu is here" },
        "body": { "zh-TW": "南瓜濃湯與栗子蛋糕，\n本週起供應。", "en": "Pumpkin soup and chestnut cake,\nfrom this week." },
    });
    let sent = announce(&app, body.clone(), CAFE.cashier_key).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.text());
    assert_eq!(
        sent.json()["sent_to"],
        1,
        "the member who left gets nothing"
    );
    let message_id = sent.json()["message_id"].as_str().unwrap().to_owned();
    // Sent again (a lost answer): the same answer, and one message still.
    let again = announce(&app, body.clone(), CAFE.cashier_key).await;
    assert_eq!(again.json()["message_id"], message_id.as_str());

    let news: Vec<(String, MessageData)> = messages(&snapshot(&app, &reader).await)
        .into_iter()
        .filter(|(_, m)| m.topic == MessageTopic::News)
        .collect();
    assert_eq!(news.len(), 1, "{news:?}");
    assert_eq!(news[0].0, message_id);
    assert_eq!(news[0].1.title.en, "Our autumn menu is here");
    assert_eq!(news[0].1.body.zh_tw, "南瓜濃湯與栗子蛋糕，\n本週起供應。");
    let read = mutation(1, message_read::NAME, json!({ "message_id": message_id }));
    assert_eq!(push(&app, &reader, read).await, MutationOutcome::Applied);
    assert!(messages(&snapshot(&app, &reader).await)
        .iter()
        .any(|(id, m)| *id == message_id && m.read_at.is_some()));
    assert!(
        messages(&snapshot(&app, &elsewhere).await)
            .iter()
            .all(|(_, m)| m.topic != MessageTopic::News),
        "another shop's member hears nothing"
    );
    assert_eq!(entities_of(&app, gone.id()).await, 0);

    // The same request id with other words, a text the wallet could not show, or no key.
    let mut reworded = body.clone();
    reworded["title"]["en"] = json!("Our winter menu is here");
    let reused = announce(&app, reworded, CAFE.cashier_key).await;
    reused.assert_error(StatusCode::CONFLICT, "request_id_reused");
    for (field, text) in [
        ("title", ""),
        ("title", "two\nlines"),
        ("body", "\u{202E}evil"),
    ] {
        let mut bad = body.clone();
        bad["request_id"] = json!(format!("news-bad-{}", text.len()));
        bad[field]["en"] = json!(text);
        let refused = announce(&app, bad, CAFE.cashier_key).await;
        refused.assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
    }
    let long = json!({ "request_id": "news-long", "title": body["title"], "body": { "zh-TW": "長".repeat(501), "en": "ok" } });
    let refused = announce(&app, long, CAFE.cashier_key).await;
    refused.assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
    let anonymous = announce(&app, body, "not-a-key").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}
