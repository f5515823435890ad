//! Claim codes against a real database (SQLite, or the PostgreSQL of TEST_DATABASE_URL): staff
//! create them, a member claims one by `claim.redeem` (stamps or a ticket arrive in the same
//! sync), a code is claimed once across all members (also when claimed at the same moment), an
//! expired or unknown code is refused, and a membership's attempts are limited per 24 hours.
//! Also the join poster.

mod common;

use axum::http::StatusCode;
use common::till::*;
use common::{Member, TestApp};
use serde_json::{json, Value};
use wallet_core::claim::claim_redeem::{self, rejection};
use wallet_core::claim::{ClaimData, ClaimGift, CreatedClaimCodes, MAX_CLAIMS_PER_DAY};
use wallet_core::games::TicketData;
use wallet_core::sync::{EntityKind, MutationOutcome};
use wallet_core::{parse_scan, ScanContext, ScanTarget};
use wallet_server::demo::{games::SCRATCH, CAFE, RAMEN, YAKINIKU};

async fn create(app: &TestApp, key: &str, body: Value) -> CreatedClaimCodes {
    let response = cashier_post(app, "/v1/cashier/claim-codes", body, key, None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json_as()
}

fn stamps_request(stamps: u32, count: u32, valid_days: u32) -> Value {
    json!({
        "gift": {"type": "stamps", "stamps": stamps},
        "count": count,
        "valid_days": valid_days,
        "title": {"zh-TW": "感謝訂購", "en": "Thank you for your order"},
    })
}

fn claim(seq: u64, code: &str) -> wallet_core::sync::Mutation {
    mutation(seq, claim_redeem::NAME, json!({ "code": code }))
}

async fn claim_outcome(app: &TestApp, member: &Member, seq: u64, code: &str) -> String {
    rejected_with(&push(app, member, claim(seq, code)).await).to_owned()
}

#[tokio::test]
async fn a_code_gives_its_stamps_once_and_says_so_in_the_same_sync() {
    let app = TestApp::start().await;
    let created = create(&app, CAFE.cashier_key, stamps_request(2, 3, 30)).await;
    assert_eq!(created.codes.len(), 3);
    assert_eq!(created.gift, ClaimGift::Stamps { stamps: 2 });
    let first = &created.codes[0];
    assert_eq!(
        first.expires_at,
        i64::try_from(app.now()).unwrap() + 30 * 86_400
    );
    // The link its QR carries is one the wallet's scan parser reads as this claim.
    let scanned = parse_scan(
        &first.link,
        &ScanContext {
            own_origin: "http://127.0.0.1:8080",
            held: &[],
            typed: false,
        },
    );
    match scanned {
        Ok(ScanTarget::Claim { join, claim }) => {
            assert_eq!(join.code, CAFE.join_code);
            assert_eq!(claim, first.code);
        }
        other => panic!("{} scanned as {other:?}", first.link),
    }

    let member = app.enroll("CAFE").await;
    // Typed as printed, grouped and in lower case.
    let typed = first.code.grouped().to_lowercase();
    let answer = sync(&app, &member, None, &[claim(1, &typed)]).await;
    assert_eq!(answer.results[0].outcome, MutationOutcome::Applied);
    let claimed: Vec<_> = answer
        .changes
        .iter()
        .filter(|c| c.kind == EntityKind::Claim)
        .collect();
    assert_eq!(claimed.len(), 1, "the claim arrives in the same answer");
    let data: ClaimData = serde_json::from_value(claimed[0].data.clone().unwrap()).unwrap();
    assert!(data.validate());
    assert_eq!(data.gift, ClaimGift::Stamps { stamps: 2 });
    assert_eq!(data.title.en, "Thank you for your order");
    assert!(answer
        .changes
        .iter()
        .any(|c| c.kind == EntityKind::StampCard));
    assert_eq!(snapshot(&app, &member).await.active_card().stamps, 2);

    // The same mutation resent: its stored answer, nothing given twice.
    let resent = sync(&app, &member, None, &[claim(1, &typed)]).await;
    assert_eq!(resent.results[0].outcome, MutationOutcome::Applied);
    assert_eq!(snapshot(&app, &member).await.active_card().stamps, 2);

    // Claimed again, by the same member or another: refused.
    let code = first.code.as_str();
    assert_eq!(
        claim_outcome(&app, &member, 2, code).await,
        rejection::CLAIM_USED
    );
    let other = app.enroll("CAFE").await;
    assert_eq!(
        claim_outcome(&app, &other, 1, code).await,
        rejection::CLAIM_USED
    );
    assert_eq!(snapshot(&app, &other).await.active_card().stamps, 0);
    assert_eq!(
        claim_outcome(&app, &other, 2, created.codes[1].code.as_str()).await,
        "applied"
    );
}

#[tokio::test]
async fn expired_unknown_and_other_shops_codes_are_refused() {
    let app = TestApp::start().await;
    let created = create(&app, CAFE.cashier_key, stamps_request(1, 1, 1)).await;
    let yakiniku = create(&app, YAKINIKU.cashier_key, stamps_request(1, 1, 30)).await;
    let member = app.enroll("CAFE").await;
    assert_eq!(
        claim_outcome(&app, &member, 1, "K7Q2M4PA9X3D").await,
        rejection::CLAIM_UNKNOWN
    );
    assert_eq!(
        claim_outcome(&app, &member, 2, yakiniku.codes[0].code.as_str()).await,
        rejection::CLAIM_UNKNOWN,
        "another shop's code is unknown here"
    );
    assert_eq!(
        claim_outcome(&app, &member, 3, "not a code").await,
        "invalid_arguments"
    );
    app.clock.advance(86_400);
    assert_eq!(
        claim_outcome(&app, &member, 4, created.codes[0].code.as_str()).await,
        rejection::CLAIM_EXPIRED
    );
    assert_eq!(snapshot(&app, &member).await.active_card().stamps, 0);
}

#[tokio::test]
async fn attempts_are_limited_per_membership_per_day() {
    let app = TestApp::start().await;
    let created = create(&app, CAFE.cashier_key, stamps_request(1, 2, 30)).await;
    let member = app.enroll("CAFE").await;
    for seq in 1..=u64::from(MAX_CLAIMS_PER_DAY) {
        assert_eq!(
            claim_outcome(&app, &member, seq, "K7Q2M4PA9X3D").await,
            rejection::CLAIM_UNKNOWN
        );
    }
    let next = u64::from(MAX_CLAIMS_PER_DAY) + 1;
    let good = created.codes[0].code.as_str();
    assert_eq!(
        claim_outcome(&app, &member, next, good).await,
        rejection::CLAIM_LIMIT,
        "over the limit even a right code waits"
    );
    // Another member is not held back by this one's attempts.
    let other = app.enroll("CAFE").await;
    assert_eq!(
        claim_outcome(&app, &other, 1, created.codes[1].code.as_str()).await,
        "applied"
    );
    app.clock.advance(24 * 3600);
    assert_eq!(
        claim_outcome(&app, &member, next + 1, good).await,
        "applied"
    );
}

#[tokio::test]
async fn a_ticket_code_gives_a_drawn_ticket() {
    let app = TestApp::start().await;
    let body = json!({
        "gift": {"type": "ticket", "campaign_id": SCRATCH},
        "count": 1, "valid_days": 7,
        "title": {"zh-TW": "桌卡刮刮樂", "en": "A scratch card"},
    });
    let created = create(&app, YAKINIKU.cashier_key, body).await;
    let member = app.enroll("YAKINIKU").await;
    let outcome = claim_outcome(&app, &member, 1, created.codes[0].code.as_str()).await;
    assert_eq!(outcome, "applied");
    let copy = snapshot(&app, &member).await;
    let (_, data): (String, ClaimData) = copy.one(EntityKind::Claim);
    let ClaimGift::Ticket {
        campaign_id,
        ticket_id: Some(ticket_id),
    } = data.gift
    else {
        panic!("a ticket gift with its ticket: {:?}", data.gift);
    };
    assert_eq!(campaign_id, SCRATCH);
    let tickets: Vec<(String, TicketData)> = copy.all(EntityKind::Ticket);
    assert!(tickets
        .iter()
        .any(|(id, t)| *id == ticket_id && t.campaign_id == SCRATCH));
}

/// Members claiming one code at the same moment: the conditional write decides, exactly one wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_claims_of_one_code_let_exactly_one_through() {
    const MEMBERS: usize = 8;
    let app = TestApp::start().await;
    let created = create(&app, CAFE.cashier_key, stamps_request(2, 1, 30)).await;
    let code = created.codes[0].code.as_str().to_owned();
    let mut members = Vec::new();
    for _ in 0..MEMBERS {
        members.push(app.enroll("CAFE").await);
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(MEMBERS));
    let tasks: Vec<_> = members
        .iter()
        .map(|member| {
            let body = json!({ "client_id": CLIENT, "mutations": [claim(1, &code)] });
            let request = common::post_request(
                "/v1/sync",
                &body.to_string(),
                Some(&member.enrolled.membership.token),
            );
            let router = app.app.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                use http_body_util::BodyExt;
                use tower::ServiceExt;
                barrier.wait().await;
                let response = router.oneshot(request).await.unwrap();
                let bytes = response.into_body().collect().await.unwrap().to_bytes();
                serde_json::from_slice::<Value>(&bytes).unwrap()
            })
        })
        .collect();
    let mut applied = 0;
    for task in tasks {
        let answer = task.await.unwrap();
        let outcome = &answer["results"][0];
        if outcome["status"] == "applied" {
            applied += 1;
        } else {
            assert_eq!(outcome["code"], rejection::CLAIM_USED, "{answer}");
        }
    }
    assert_eq!(applied, 1);
    let claimed = count(
        &app,
        "SELECT COUNT(*) FROM claim_codes WHERE claimed_by IS NOT NULL",
    )
    .await;
    assert_eq!(claimed, 1);
}

#[tokio::test]
async fn staff_requests_are_checked() {
    let app = TestApp::start().await;
    let path = "/v1/cashier/claim-codes";
    let body = stamps_request(2, 1, 30).to_string();
    app.post(path, &body, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    app.post(path, &body, Some("not-a-key"))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    for bad in [
        stamps_request(2, 0, 30),
        stamps_request(2, 101, 30),
        stamps_request(0, 1, 30),
        stamps_request(2, 1, 0),
        json!({"gift": {"type": "points", "points": 5}, "count": 1, "valid_days": 1,
               "title": {"zh-TW": "x", "en": "x"}}),
    ] {
        cashier_post(&app, path, bad, CAFE.cashier_key, None)
            .await
            .assert_error(StatusCode::BAD_REQUEST, "bad_request");
    }
    cashier_post(
        &app,
        path,
        stamps_request(2, 1, 30),
        RAMEN.cashier_key,
        None,
    )
    .await
    .assert_error(StatusCode::CONFLICT, "stamps_not_enabled");
    let ticket = json!({"gift": {"type": "ticket", "campaign_id": SCRATCH}, "count": 1,
                        "valid_days": 1, "title": {"zh-TW": "x", "en": "x"}});
    cashier_post(&app, path, ticket, CAFE.cashier_key, None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "campaign_unknown");
}

#[tokio::test]
async fn the_demo_codes_work() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    assert_eq!(
        claim_outcome(&app, &member, 1, "CAFE2STAMP01").await,
        "applied"
    );
    assert_eq!(snapshot(&app, &member).await.active_card().stamps, 2);
}

#[tokio::test]
async fn staff_get_their_join_poster() {
    let app = TestApp::start().await;
    let auth = format!("Bearer {}", CAFE.cashier_key);
    let poster = app
        .get("/v1/cashier/poster", &[("authorization", auth.as_str())])
        .await;
    assert_eq!(poster.status, StatusCode::OK, "{}", poster.text());
    assert!(poster
        .header("content-type")
        .is_some_and(|t| t.starts_with("image/svg+xml")));
    let svg = poster.text();
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("晨光咖啡") && svg.contains(">CAFE</text>"));
    app.get("/v1/cashier/poster", &[])
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
}
