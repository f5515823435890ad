//! `POST /v1/sync` against a real database: push and pull in one round trip, exactly-once
//! mutations, rejections, ordering, paging, reset, tombstones, authentication, limits, races.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{post_request, Member, TestApp};
use serde_json::{json, Value};
use std::collections::HashSet;
use wallet_core::protocol::error_code;
use wallet_core::sync::error_code::{INVALID_ARGUMENTS, SEQ_CONFLICT, SEQ_GAP, UNKNOWN_MUTATION};
use wallet_core::sync::{
    Change, EntityKind, MembershipData, Mutation, MutationOutcome, SyncResponse,
    MAX_CHANGES_PER_PAGE,
};
use wallet_server::demo::CAFE;
use wallet_server::store::entities::{self, EntityWrite};
use wallet_server::store::secrets::sha256_hex;
use wallet_server::store::sync_log::MAX_CLIENTS_PER_MEMBERSHIP;

const CLIENT: &str = "4f9d3c1e-8a2b-4c6d-9e0f-1a2b3c4d5e6f";

fn rename(seq: u64, name: &str) -> Mutation {
    Mutation {
        seq,
        id: format!("mutation-{seq}-{name}"),
        name: "profile.update".into(),
        args: json!({ "display_name": name }),
        client_time: 1_750_000_000_000,
    }
}

fn body(client_id: &str, cursor: Option<&str>, mutations: &[Mutation]) -> String {
    json!({ "client_id": client_id, "cursor": cursor, "mutations": mutations }).to_string()
}

/// Syncs and checks the answer is one the wallet accepts.
async fn sync(
    app: &TestApp,
    member: &Member,
    client_id: &str,
    cursor: Option<&str>,
    mutations: &[Mutation],
) -> SyncResponse {
    let response = app
        .post(
            "/v1/sync",
            &body(client_id, cursor, mutations),
            Some(&member.enrolled.membership.token),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let answer: SyncResponse = response.json_as();
    answer
        .validate(mutations)
        .unwrap_or_else(|e| panic!("the wallet would refuse this answer ({e}): {answer:?}"));
    let versions: Vec<u64> = answer.changes.iter().map(|c| c.version).collect();
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "changes in version order: {versions:?}"
    );
    answer
}

/// Every page from the beginning, following `more`.
async fn pull_all(app: &TestApp, member: &Member) -> (Vec<Change>, String) {
    let mut cursor = None;
    let mut changes = Vec::new();
    loop {
        let page = sync(app, member, CLIENT, cursor.as_deref(), &[]).await;
        changes.extend(page.changes);
        cursor = Some(page.cursor);
        if !page.more {
            return (changes, cursor.unwrap_or_default());
        }
    }
}

fn membership_data(changes: &[Change], member: &Member) -> MembershipData {
    let change = changes
        .iter()
        .find(|c| c.kind == EntityKind::Membership && c.id == member.id())
        .expect("the membership entity");
    serde_json::from_value(change.data.clone().expect("live")).expect("membership data")
}

async fn version_counter(app: &TestApp) -> i64 {
    entities::state(&app.pool).await.expect("sync state").1
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.pool)
        .await
        .expect("a count")
}

#[tokio::test]
async fn the_first_pull_is_a_snapshot_of_membership_and_merchant() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;

    let first = sync(&app, &member, CLIENT, None, &[]).await;
    assert!(first.reset, "no cursor: a full snapshot, flagged reset");
    assert!(!first.more);
    assert!(first.results.is_empty());
    assert_eq!(first.last_processed_seq, 0);
    // The card and its merchant, and the café's loyalty: an empty stamp card (tests/loyalty.rs),
    // its welcome message (tests/messages.rs) and the member's referral code (tests/referrals.rs).
    let kinds: Vec<&EntityKind> = first.changes.iter().map(|c| &c.kind).collect();
    assert_eq!(
        kinds,
        [
            &EntityKind::Membership,
            &EntityKind::Merchant,
            &EntityKind::StampCard,
            &EntityKind::Message,
            &EntityKind::Referral
        ],
        "{:?}",
        first.changes
    );

    let data = membership_data(&first.changes, &member);
    assert_eq!(
        data,
        MembershipData {
            merchant_id: CAFE.id.into(),
            member_since: member.enrolled.membership.member_since,
            display_name: None,
        }
    );
    let merchant = first
        .changes
        .iter()
        .find(|c| c.kind == EntityKind::Merchant)
        .expect("the merchant entity");
    assert_eq!(merchant.id, CAFE.id);
    assert_eq!(
        merchant.data.as_ref(),
        Some(&serde_json::to_value(&member.enrolled.merchant).unwrap())
    );
    // On the wire: the envelope's fields, and display_name present as null.
    let raw = app
        .post(
            "/v1/sync",
            &body(CLIENT, None, &[]),
            Some(&member.enrolled.membership.token),
        )
        .await
        .json();
    let membership = &raw["changes"][0];
    assert_eq!(membership["kind"], "membership");
    assert_eq!(membership["deleted"], false);
    assert_eq!(membership["data"]["display_name"], Value::Null);

    let again = sync(&app, &member, CLIENT, Some(&first.cursor), &[]).await;
    assert!(!again.reset);
    assert!(again.changes.is_empty());
    assert_eq!(again.cursor, first.cursor);
}

#[tokio::test]
async fn push_then_pull_in_one_round_trip() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let first = sync(&app, &member, CLIENT, None, &[]).await;
    let before = first.changes[0].version;

    let answer = sync(
        &app,
        &member,
        CLIENT,
        Some(&first.cursor),
        &[rename(1, " 小明 ")],
    )
    .await;
    assert_eq!(answer.last_processed_seq, 1);
    assert_eq!(answer.results.len(), 1);
    assert_eq!(answer.results[0].seq, 1);
    assert_eq!(answer.results[0].outcome, MutationOutcome::Applied);
    assert!(!answer.reset);
    assert_eq!(
        answer.changes.len(),
        1,
        "only what changed since the cursor"
    );
    assert!(answer.changes[0].version > before);
    assert_eq!(
        membership_data(&answer.changes, &member)
            .display_name
            .as_deref(),
        Some("小明")
    );
}

#[tokio::test]
async fn a_resend_gets_the_stored_answer_and_is_applied_once() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let first = sync(&app, &member, CLIENT, None, &[]).await;
    // The answer to seq 1 is "lost": the wallet still holds it and sends it again with seq 2.
    sync(
        &app,
        &member,
        CLIENT,
        Some(&first.cursor),
        &[rename(1, "Amy")],
    )
    .await;
    let second = sync(
        &app,
        &member,
        CLIENT,
        Some(&first.cursor),
        &[rename(1, "Amy"), rename(2, "Bo")],
    )
    .await;
    assert_eq!(second.results.len(), 2);
    let counter = version_counter(&app).await;

    // That answer is lost too: both are sent again. Applying seq 1 again would bring "Amy" back
    // over "Bo".
    let resent = sync(
        &app,
        &member,
        CLIENT,
        Some(&second.cursor),
        &[rename(1, "Amy"), rename(2, "Bo")],
    )
    .await;
    assert_eq!(resent.results.len(), 2);
    assert_eq!(resent.results[0].id, rename(1, "Amy").id);
    assert_eq!(resent.results[0].outcome, MutationOutcome::Applied);
    assert_eq!(resent.last_processed_seq, 2);
    assert!(resent.changes.is_empty(), "nothing was written");
    assert_eq!(version_counter(&app).await, counter);
    // Capped at what was sent: a wallet asking about seq 1 only is told about seq 1 only.
    let one = sync(
        &app,
        &member,
        CLIENT,
        Some(&second.cursor),
        &[rename(1, "Amy")],
    )
    .await;
    assert_eq!((one.results.len(), one.last_processed_seq), (1, 1));

    // And as part of a batch that goes on with new mutations.
    let batch = [rename(1, "Amy"), rename(2, "Bo"), rename(3, "Cy")];
    let answer = sync(&app, &member, CLIENT, Some(&second.cursor), &batch).await;
    assert_eq!(answer.last_processed_seq, 3);
    assert_eq!(answer.results.len(), 3);
    assert_eq!(version_counter(&app).await, counter + 1);

    let (all, _) = pull_all(&app, &member).await;
    assert_eq!(
        membership_data(&all, &member).display_name.as_deref(),
        Some("Cy")
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mutation_results").await,
        3
    );
}

#[tokio::test]
async fn a_rejection_is_final_and_does_not_stop_the_batch() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let mut unknown = rename(2, "x");
    unknown.name = "stamp.forge".into();
    let batch = [rename(1, ""), unknown, rename(3, "Dana")];

    let answer = sync(&app, &member, CLIENT, None, &batch).await;
    assert_eq!(
        answer.last_processed_seq, 3,
        "rejections count as processed"
    );
    let outcomes: Vec<_> = answer.results.iter().map(|r| r.outcome.clone()).collect();
    let MutationOutcome::Rejected { code, message } = &outcomes[0] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(code, INVALID_ARGUMENTS);
    assert!(!message.is_empty());
    let MutationOutcome::Rejected { code, .. } = &outcomes[1] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(code, UNKNOWN_MUTATION);
    assert_eq!(outcomes[2], MutationOutcome::Applied);
    assert_eq!(
        membership_data(&answer.changes, &member)
            .display_name
            .as_deref(),
        Some("Dana")
    );

    // Resent: the same rejections, nothing re-run.
    let again = sync(&app, &member, CLIENT, None, &batch).await;
    assert_eq!(again.results, answer.results);
}

#[tokio::test]
async fn mutations_apply_in_seq_order() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let batch: Vec<Mutation> = (1..=20)
        .map(|seq| rename(seq, &format!("name {seq}")))
        .collect();
    let answer = sync(&app, &member, CLIENT, None, &batch).await;
    let seqs: Vec<u64> = answer.results.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
    assert_eq!(
        membership_data(&answer.changes, &member)
            .display_name
            .as_deref(),
        Some("name 20")
    );
}

#[tokio::test]
async fn each_client_has_its_own_sequence() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    sync(
        &app,
        &member,
        "phone",
        None,
        &[rename(1, "a"), rename(2, "b")],
    )
    .await;
    let tablet = sync(&app, &member, "tablet", None, &[rename(1, "c")]).await;
    assert_eq!(tablet.last_processed_seq, 1);
    assert_eq!(tablet.results[0].outcome, MutationOutcome::Applied);
    // A pull reports the client's own progress.
    assert_eq!(
        sync(&app, &member, "phone", None, &[])
            .await
            .last_processed_seq,
        2
    );
    assert_eq!(
        sync(&app, &member, "laptop", None, &[])
            .await
            .last_processed_seq,
        0
    );
}

#[tokio::test]
async fn a_gap_in_seq_is_refused_and_nothing_applies() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let token = member.enrolled.membership.token.as_str();
    app.post(
        "/v1/sync",
        &body(CLIENT, None, &[rename(2, "x")]),
        Some(token),
    )
    .await
    .assert_error(StatusCode::CONFLICT, SEQ_GAP);
    sync(&app, &member, CLIENT, None, &[rename(1, "a")]).await;
    let message = app
        .post(
            "/v1/sync",
            &body(CLIENT, None, &[rename(3, "x"), rename(4, "y")]),
            Some(token),
        )
        .await
        .assert_error(StatusCode::CONFLICT, SEQ_GAP);
    assert!(message.contains("seq 2"), "{message}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mutation_results").await,
        1
    );
    let (all, _) = pull_all(&app, &member).await;
    assert_eq!(
        membership_data(&all, &member).display_name.as_deref(),
        Some("a")
    );
}

#[tokio::test]
async fn a_reused_seq_with_another_id_is_a_conflict() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    sync(&app, &member, CLIENT, None, &[rename(1, "a")]).await;
    let mut other = rename(1, "a");
    other.id = "another-outbox".into();
    app.post(
        "/v1/sync",
        &body(CLIENT, None, &[other, rename(2, "b")]),
        Some(&member.enrolled.membership.token),
    )
    .await
    .assert_error(StatusCode::CONFLICT, SEQ_CONFLICT);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mutation_results").await,
        1
    );
}

#[tokio::test]
async fn malformed_requests_are_400_and_bounded() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let token = member.enrolled.membership.token.as_str();
    let mut no_id = rename(1, "a");
    no_id.id.clear();
    let mut zero = rename(1, "a");
    zero.seq = 0;
    let too_many: Vec<Mutation> = (1..=101).map(|seq| rename(seq, "n")).collect();
    for bad in [
        body(CLIENT, None, &[rename(1, "a"), rename(3, "b")]),
        body(CLIENT, None, &[rename(2, "a"), rename(1, "b")]),
        body(CLIENT, None, &[rename(1, "a"), rename(1, "a")]),
        body(CLIENT, None, &[no_id]),
        body(CLIENT, None, &[zero]),
        body("", None, &[]),
        body(&"c".repeat(129), None, &[]),
        body(CLIENT, None, &too_many),
        "not json".into(),
        "{}".into(),
        json!({"client_id": CLIENT, "mutations": [{"seq": 1}]}).to_string(),
        json!({"client_id": CLIENT, "cursor": 5}).to_string(),
    ] {
        app.post("/v1/sync", &bad, Some(token))
            .await
            .assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mutation_results").await,
        0
    );

    // 100 is fine.
    let hundred: Vec<Mutation> = (1..=100).map(|seq| rename(seq, "n")).collect();
    assert_eq!(
        sync(&app, &member, CLIENT, None, &hundred)
            .await
            .last_processed_seq,
        100
    );

    let mut huge_args = rename(101, "n");
    huge_args.args = json!({ "display_name": "n", "padding": "p".repeat(64 * 1024) });
    app.post("/v1/sync", &body(CLIENT, None, &[huge_args]), Some(token))
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, error_code::BAD_REQUEST);

    let mut no_content_type = post_request("/v1/sync", &body(CLIENT, None, &[]), Some(token));
    no_content_type.headers_mut().remove("content-type");
    app.send(no_content_type)
        .await
        .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, error_code::BAD_REQUEST);

    app.get("/v1/sync", &[])
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, error_code::BAD_REQUEST);
}

#[tokio::test]
async fn without_a_valid_membership_token_it_is_401() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let request = body(CLIENT, None, &[rename(1, "a")]);
    app.post("/v1/sync", &request, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED);
    app.post("/v1/sync", &request, Some("mwt_0000"))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED);
    // A cashier key is not a membership token.
    app.post("/v1/sync", &request, Some(CAFE.cashier_key))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED);
    let mut basic = post_request("/v1/sync", &request, None);
    basic.headers_mut().insert(
        "authorization",
        format!("Basic {}", member.enrolled.membership.token)
            .parse()
            .unwrap(),
    );
    app.send(basic)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED);
    // Authentication comes before the body: no token and a huge body is still 401.
    let huge = "x".repeat(100 * 1024);
    app.post("/v1/sync", &huge, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mutation_results").await,
        0
    );
}

#[tokio::test]
async fn a_membership_sees_only_its_own_entities() {
    let app = TestApp::start().await;
    let alice = app.enroll("CAFE").await;
    let bob = app.enroll("YAKINIKU").await;
    sync(&app, &alice, CLIENT, None, &[rename(1, "Alice")]).await;
    let (alices, _) = pull_all(&app, &alice).await;
    let (bobs, _) = pull_all(&app, &bob).await;
    assert!(bobs.iter().any(|c| c.id == bob.id()));
    assert!(
        bobs.iter().all(|b| !alices.iter().any(|a| a.id == b.id)),
        "nothing of Alice's in Bob's pull"
    );
    assert_eq!(membership_data(&bobs, &bob).display_name, None);
}

#[tokio::test]
async fn more_than_a_page_is_paged_with_more() {
    let app = TestApp::start().await;
    let member = app.enroll("BOOKS").await;
    // What enroll made (the membership, its merchant, the bookshop's points, tier and rewards).
    let base = pull_all(&app, &member).await.0.len();
    let writes: Vec<EntityWrite> = (0..1100)
        .map(|i| {
            EntityWrite::put(
                EntityKind::LedgerEntry,
                format!("entry-{i:04}"),
                json!({ "points": i, "note": "bulk" }),
            )
        })
        .collect();
    entities::write_all(&app.pool, member.id(), &writes)
        .await
        .expect("write entities");

    let mut cursor = None;
    let mut pages = Vec::new();
    loop {
        let page = sync(&app, &member, CLIENT, cursor.as_deref(), &[]).await;
        assert!(page.changes.len() <= MAX_CHANGES_PER_PAGE);
        assert_eq!(page.reset, pages.is_empty(), "reset on the first page only");
        cursor = Some(page.cursor.clone());
        let more = page.more;
        pages.push(page);
        if !more {
            break;
        }
    }
    let sizes: Vec<usize> = pages.iter().map(|p| p.changes.len()).collect();
    assert_eq!(sizes, [500, 500, base + 100]);
    let versions: Vec<u64> = pages
        .iter()
        .flat_map(|p| &p.changes)
        .map(|c| c.version)
        .collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]));
    // Ids are unique per kind (the tier's id is its merchant's id, like the merchant entity's).
    let ids: HashSet<(&str, &str)> = pages
        .iter()
        .flat_map(|p| &p.changes)
        .map(|c| (c.kind.as_str(), c.id.as_str()))
        .collect();
    assert_eq!(ids.len(), base + 1100);

    let after = sync(&app, &member, CLIENT, cursor.as_deref(), &[]).await;
    assert!(after.changes.is_empty() && !after.more && !after.reset);

    // Exactly one page: `more` is false.
    let small = app.enroll("BOOKS").await;
    let writes: Vec<EntityWrite> = (0..500 - base)
        .map(|i| EntityWrite::put(EntityKind::Coupon, format!("c{i}"), json!({})))
        .collect();
    entities::write_all(&app.pool, small.id(), &writes)
        .await
        .unwrap();
    let page = sync(&app, &small, CLIENT, None, &[]).await;
    assert_eq!((page.changes.len(), page.more), (500, false));
}

#[tokio::test]
async fn an_unknown_cursor_resets_to_a_full_snapshot() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let first = sync(&app, &member, CLIENT, None, &[rename(1, "Eve")]).await;
    let (epoch, latest) = entities::state(&app.pool).await.unwrap();
    let (_, current_version) = first.cursor.split_once('.').unwrap();
    assert_eq!(current_version.parse::<i64>().unwrap(), latest);

    for cursor in [
        "garbage".to_owned(),
        String::new(),
        format!("{epoch}.{}", latest + 1000),
        format!("0000000000000000.{latest}"),
        "x".repeat(500),
    ] {
        let answer = sync(&app, &member, CLIENT, Some(&cursor), &[]).await;
        assert!(answer.reset, "{cursor}");
        assert_eq!(answer.changes.len(), first.changes.len(), "{cursor}");
        assert_eq!(
            membership_data(&answer.changes, &member)
                .display_name
                .as_deref(),
            Some("Eve")
        );
    }
    let known = sync(&app, &member, CLIENT, Some(&first.cursor), &[]).await;
    assert!(!known.reset && known.changes.is_empty());
}

#[tokio::test]
async fn deletions_arrive_as_tombstones() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let base = sync(&app, &member, CLIENT, None, &[]).await.changes.len();
    entities::write_all(
        &app.pool,
        member.id(),
        &[
            EntityWrite::put(EntityKind::Coupon, "welcome", json!({"title": "free tea"})),
            EntityWrite::put(EntityKind::Coupon, "birthday", json!({"title": "cake"})),
        ],
    )
    .await
    .unwrap();
    let before = sync(&app, &member, CLIENT, None, &[]).await;
    assert_eq!(before.changes.len(), base + 2);
    let coupon_version = before
        .changes
        .iter()
        .find(|c| c.id == "welcome")
        .unwrap()
        .version;

    entities::write_all(
        &app.pool,
        member.id(),
        &[EntityWrite::delete(EntityKind::Coupon, "welcome")],
    )
    .await
    .unwrap();
    let after = sync(&app, &member, CLIENT, Some(&before.cursor), &[]).await;
    assert_eq!(after.changes.len(), 1);
    let tombstone = &after.changes[0];
    assert_eq!(
        (tombstone.kind.clone(), tombstone.id.as_str()),
        (EntityKind::Coupon, "welcome")
    );
    assert!(tombstone.deleted);
    assert_eq!(tombstone.data, None);
    assert!(tombstone.version > coupon_version);

    // Kept: a wallet starting over learns of the deletion too.
    let (all, _) = pull_all(&app, &member).await;
    assert!(all.iter().any(|c| c.id == "welcome" && c.deleted));
    let raw = app
        .post(
            "/v1/sync",
            &body(CLIENT, Some(&before.cursor), &[]),
            Some(&member.enrolled.membership.token),
        )
        .await
        .json();
    assert_eq!(raw["changes"][0]["deleted"], true);
    assert_eq!(raw["changes"][0]["data"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_clients_syncing_at_once_each_apply_once() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let counter = version_counter(&app).await;

    let client = |name: &'static str| {
        let (app, member) = (&app, &member);
        async move {
            let batch: Vec<Mutation> = (1..=10).map(|seq| rename(seq, name)).collect();
            let more: Vec<Mutation> = (11..=20).map(|seq| rename(seq, name)).collect();
            sync(app, member, name, None, &batch).await;
            sync(app, member, name, None, &more).await;
            // And the same request twice at once: one applies, the other gets its answers.
            let last: Vec<Mutation> = (21..=25).map(|seq| rename(seq, name)).collect();
            let (a, b) = tokio::join!(
                sync(app, member, name, None, &last),
                sync(app, member, name, None, &last)
            );
            assert_eq!(a.results, b.results);
            assert_eq!((a.last_processed_seq, b.last_processed_seq), (25, 25));
        }
    };
    tokio::join!(client("phone"), client("tablet"));

    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mutation_results").await,
        50
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(SUM(last_seq) AS BIGINT) FROM sync_clients"
        )
        .await,
        50
    );
    assert_eq!(
        version_counter(&app).await,
        counter + 50,
        "one write per mutation"
    );
}

#[tokio::test]
async fn sync_preflight_allows_the_authorization_header() {
    let app = TestApp::start().await;
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/v1/sync")
        .header("origin", "https://wallet.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .body(Body::empty())
        .unwrap();
    let response = app.send(preflight).await;
    assert!(response.status.is_success(), "{}", response.status);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
    let headers = response
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    assert!(response
        .header("access-control-allow-methods")
        .is_some_and(|m| m.contains("POST")));

    let mut unauthorized = post_request("/v1/sync", &body(CLIENT, None, &[]), None);
    unauthorized
        .headers_mut()
        .insert("origin", "https://wallet.example".parse().unwrap());
    let response = app.send(unauthorized).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn memberships_from_before_the_change_log_get_their_entities() {
    let app = TestApp::start().await;
    // A membership as the skeleton stored it: no entities.
    let token = "mwt_from_an_older_server";
    sqlx::query(
        "INSERT INTO memberships (id, merchant_id, token_hash, totp_secret, member_since) \
         VALUES ('7K3D9QX2M4PA', $1, $2, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 1700000000)",
    )
    .bind(CAFE.id)
    .bind(sha256_hex(token))
    .execute(&app.pool)
    .await
    .unwrap();
    entities::prepare(&app.pool).await.unwrap();
    entities::prepare(&app.pool).await.unwrap();

    let response = app
        .post("/v1/sync", &body(CLIENT, None, &[]), Some(token))
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let answer: SyncResponse = response.json_as();
    assert_eq!(answer.changes.len(), 2);
    let membership = &answer.changes[0];
    assert_eq!(membership.id, "7K3D9QX2M4PA");
    assert_eq!(
        membership.data.as_ref().unwrap()["merchant_id"],
        json!(CAFE.id)
    );
}

fn unknown(seq: u64) -> Mutation {
    Mutation {
        seq,
        id: format!("junk-{seq}"),
        name: "junk.fill".into(),
        args: json!({}),
        client_time: 0,
    }
}

#[tokio::test]
async fn answers_a_wallet_can_never_ask_for_again_are_forgotten() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let stored = format!(
        "SELECT COUNT(*) FROM mutation_results WHERE membership_id = '{}'",
        member.id()
    );
    // Twelve full requests of junk (the disk-filling attack of issue 11: 100 rows a request).
    for batch in 0..12u64 {
        let mutations: Vec<Mutation> = (1..=100).map(|i| unknown(batch * 100 + i)).collect();
        let answer = sync(&app, &member, CLIENT, None, &mutations).await;
        assert_eq!(answer.last_processed_seq, batch * 100 + 100);
    }
    // The latest request (seq 1101-1200) and the newest 1,000 answers before it, which the
    // wallet has moved past: however fast a client pushes, no more is kept.
    assert_eq!(count(&app, &stored).await, 100 + 1000);
    let resent = sync(&app, &member, CLIENT, None, &[unknown(1150)]).await;
    assert_eq!(resent.results.len(), 1, "the latest answers still replay");
    // An hour on, what the wallet moved past is forgotten; the latest request's answers stay.
    app.clock.advance(3601);
    let next: Vec<Mutation> = (1201..=1210).map(unknown).collect();
    sync(&app, &member, CLIENT, None, &next).await;
    assert_eq!(count(&app, &stored).await, 10);
    // A resend of a forgotten seq gets no answer of its own; last_processed_seq covers it, so a
    // wallet drops it (it was processed) without being told twice.
    let forgotten = sync(&app, &member, CLIENT, None, &[unknown(3)]).await;
    assert!(forgotten.results.is_empty(), "{forgotten:?}");
    assert_eq!(forgotten.last_processed_seq, 3);
}

#[tokio::test]
async fn a_membership_syncs_from_a_bounded_number_of_clients() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let client = |n: usize| format!("client-{n}");
    for n in 0..MAX_CLIENTS_PER_MEMBERSHIP {
        sync(&app, &member, &client(n), None, &[rename(1, "小明")]).await;
    }
    // One more installation while all are in use: refused, and nothing is stored for it.
    let response = app
        .post(
            "/v1/sync",
            &body("one-too-many", None, &[rename(1, "小華")]),
            Some(&member.enrolled.membership.token),
        )
        .await;
    response.assert_error(StatusCode::TOO_MANY_REQUESTS, error_code::RATE_LIMITED);
    assert!(response.header("retry-after").is_some());
    // Pulling is never refused: the new installation still sees the card.
    sync(&app, &member, "one-too-many", None, &[]).await;
    let clients = format!(
        "SELECT COUNT(*) FROM sync_clients WHERE membership_id = '{}'",
        member.id()
    );
    assert_eq!(
        count(&app, &clients).await,
        MAX_CLIENTS_PER_MEMBERSHIP as i64
    );

    // A month later the installation that pushed longest ago makes room.
    app.clock.advance(31 * 24 * 3600);
    for n in 1..MAX_CLIENTS_PER_MEMBERSHIP {
        sync(&app, &member, &client(n), None, &[rename(2, "小明")]).await;
    }
    sync(&app, &member, "one-too-many", None, &[rename(1, "小華")]).await;
    assert_eq!(
        count(&app, &clients).await,
        MAX_CLIENTS_PER_MEMBERSHIP as i64
    );
    // The one idle longest was forgotten, its numbering and answers with it (if it pushes
    // again it is a new client, and is told `seq_gap`: the wallet then takes a new client id).
    let forgotten = format!(
        "SELECT COUNT(*) FROM sync_clients WHERE membership_id = '{}' AND client_id = 'client-0'",
        member.id()
    );
    assert_eq!(count(&app, &forgotten).await, 0);
}

#[tokio::test]
async fn syncs_are_limited_per_membership_and_per_address() {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    use tower::ServiceExt;
    use wallet_server::state::AppState;

    let app = TestApp::start().await;
    let first = app.enroll("CAFE").await;
    let second = app.enroll("CAFE").await;
    // 3 a minute per membership, so 30 a minute per address.
    let limited = wallet_server::http::router(
        AppState::new(app.pool.clone(), app.clock.clone()).with_sync_limit(3),
        std::path::Path::new("/nonexistent-wallet-dist"),
    );
    let sync_from = |member: &Member, from: &str| {
        let mut request = post_request(
            "/v1/sync",
            &body(CLIENT, None, &[]),
            Some(&member.enrolled.membership.token),
        );
        let peer: SocketAddr = from.parse().expect("an address");
        request.extensions_mut().insert(ConnectInfo(peer));
        let limited = limited.clone();
        async move { limited.oneshot(request).await.expect("an answer") }
    };
    for _ in 0..3 {
        assert_eq!(
            sync_from(&first, "203.0.113.7:5000").await.status(),
            StatusCode::OK
        );
    }
    let refused = sync_from(&first, "203.0.113.7:5000").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another membership is not held back by this one.
    assert_eq!(
        sync_from(&second, "198.51.100.2:5000").await.status(),
        StatusCode::OK
    );
    // Many memberships from one address: at most ten times one membership's limit.
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let member = app.enroll("CAFE").await;
        for _ in 0..3 {
            statuses.push(sync_from(&member, "192.0.2.9:4000").await.status());
        }
    }
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((statuses.len() - refused, refused), (30, 6));
    // A minute later the first membership syncs again.
    app.clock.advance(60);
    assert_eq!(
        sync_from(&first, "203.0.113.7:5000").await.status(),
        StatusCode::OK
    );
}
