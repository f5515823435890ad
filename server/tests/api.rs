//! The v1 API: enroll, cashier scan and its error answers, against a real database.

mod common;

use axum::http::StatusCode;
use common::{post_request, TestApp};
use std::collections::HashSet;
use wallet_core::protocol::{error_code, ScanResponse};
use wallet_core::MemberCode;
use wallet_server::demo::{BOOKS, CAFE, YAKINIKU};
use wallet_server::state::AppState;
use wallet_server::state::{CASHIER_MAX_FAILURES, FAILURE_WINDOW_SECS, MEMBER_MAX_FAILURES};

const STEP: u64 = 30;

#[tokio::test]
async fn enroll_grants_a_membership_with_its_code_settings() {
    let app = TestApp::start().await;
    let first = app.enroll("yakiniku").await;
    let second = app.enroll(" YAKINIKU ").await;

    let grant = &first.enrolled.membership;
    assert!(grant.token.starts_with("mwt_"), "{}", grant.token);
    assert_eq!(grant.member_since, common::START_TIME as i64);
    assert_ne!(grant.id, second.enrolled.membership.id);
    assert_ne!(grant.token, second.enrolled.membership.token);
    assert_eq!(first.totp.secret().len(), 20);
    assert_eq!((first.totp.digits, first.totp.period_secs), (6, 30));

    let merchant = &first.enrolled.merchant;
    assert_eq!(merchant.id, YAKINIKU.id);
    assert_eq!(merchant.name.zh_tw, YAKINIKU.name_zh);
    assert_eq!(merchant.name.en, YAKINIKU.name_en);
    assert_eq!(merchant.brand_color.to_string(), YAKINIKU.brand_color);
    assert_eq!(merchant.mark, YAKINIKU.mark);

    // Only the hash of the token is kept.
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM memberships")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|hash| !hash.contains(&grant.token[4..])));
}

#[tokio::test]
async fn enroll_with_an_unknown_join_code_is_404() {
    let app = TestApp::start().await;
    for code in ["NOPE", "", &"A".repeat(500)] {
        let body = serde_json::json!({ "join_code": code }).to_string();
        app.post("/v1/enroll", &body, None)
            .await
            .assert_error(StatusCode::NOT_FOUND, error_code::JOIN_CODE_UNKNOWN);
    }
}

#[tokio::test]
async fn joins_from_one_address_are_limited_per_minute() {
    use axum::extract::ConnectInfo;
    use http_body_util::BodyExt;
    use std::net::SocketAddr;
    use tower::ServiceExt;

    let app = TestApp::start().await;
    let limited = wallet_server::http::router(
        AppState::new(app.pool.clone(), app.clock.clone()).with_enroll_limit(3),
        std::path::Path::new("/nonexistent-wallet-dist"),
    );
    let join = |from: &str, code: &str| {
        let mut request = post_request(
            "/v1/enroll",
            &serde_json::json!({ "join_code": code }).to_string(),
            None,
        );
        let peer: SocketAddr = from.parse().expect("an address");
        request.extensions_mut().insert(ConnectInfo(peer));
        let limited = limited.clone();
        async move { limited.oneshot(request).await.expect("an answer") }
    };
    // A wrong code counts too: the limit also slows down guessing join codes.
    assert_eq!(
        join("203.0.113.7:5000", "CAFE").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        join("203.0.113.7:5001", "NOPE").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        join("203.0.113.7:5002", "BOOKS").await.status(),
        StatusCode::OK
    );
    let refused = join("203.0.113.7:5003", "CAFE").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["retry-after"], "60");
    let body = refused
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(body["error"]["code"], error_code::RATE_LIMITED);

    // Another address is not held back; one IPv6 /64 is one client.
    assert_eq!(
        join("198.51.100.1:5000", "CAFE").await.status(),
        StatusCode::OK
    );
    for host in ["1", "2", "3"] {
        let from = format!("[2001:db8:1:2::{host}]:443");
        assert_eq!(join(&from, "CAFE").await.status(), StatusCode::OK);
    }
    let same_64 = join("[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:443", "CAFE").await;
    assert_eq!(same_64.status(), StatusCode::TOO_MANY_REQUESTS);

    // A minute later the address may join again.
    app.clock.advance(60);
    assert_eq!(
        join("203.0.113.7:5004", "CAFE").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn behind_a_proxy_joins_are_counted_per_forwarded_address() {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    use tower::ServiceExt;

    let app = TestApp::start().await;
    let limited = wallet_server::http::router(
        AppState::new(app.pool.clone(), app.clock.clone())
            .with_enroll_limit(1)
            .behind_proxy(true),
        std::path::Path::new("/nonexistent-wallet-dist"),
    );
    let join = |forwarded: Option<&str>| {
        let mut request = post_request("/v1/enroll", r#"{"join_code":"CAFE"}"#, None);
        // Every request arrives from the proxy.
        let proxy: SocketAddr = "10.0.0.2:40000".parse().expect("an address");
        request.extensions_mut().insert(ConnectInfo(proxy));
        if let Some(forwarded) = forwarded {
            let value = forwarded.parse().expect("a header value");
            request.headers_mut().insert("x-forwarded-for", value);
        }
        let limited = limited.clone();
        async move { limited.oneshot(request).await.expect("an answer").status() }
    };
    assert_eq!(join(Some("203.0.113.9")).await, StatusCode::OK);
    assert_eq!(
        join(Some("198.51.100.2")).await,
        StatusCode::OK,
        "another customer"
    );
    // Only the address the proxy added counts: a client cannot pick its own.
    let spoofed = join(Some("192.0.2.77, 203.0.113.9")).await;
    assert_eq!(spoofed, StatusCode::TOO_MANY_REQUESTS);
    // No readable address: the proxy's own is counted.
    assert_eq!(join(Some("not an address")).await, StatusCode::OK);
    assert_eq!(join(None).await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn bad_bodies_get_the_error_shape() {
    let app = TestApp::start().await;
    for body in ["not json", "{}", r#"{"join_code": 7}"#, "[]", ""] {
        app.post("/v1/enroll", body, None)
            .await
            .assert_error(StatusCode::BAD_REQUEST, error_code::BAD_REQUEST);
    }

    let mut no_content_type = post_request("/v1/enroll", r#"{"join_code":"CAFE"}"#, None);
    no_content_type.headers_mut().remove("content-type");
    app.send(no_content_type)
        .await
        .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, error_code::BAD_REQUEST);

    let huge = format!(r#"{{"join_code":"{}"}}"#, "A".repeat(64 * 1024));
    app.post("/v1/enroll", &huge, None)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, error_code::BAD_REQUEST);

    let just_under = format!(r#"{{"join_code":"{}"}}"#, "A".repeat(60 * 1024));
    app.post("/v1/enroll", &just_under, None)
        .await
        .assert_error(StatusCode::NOT_FOUND, error_code::JOIN_CODE_UNKNOWN);
}

#[tokio::test]
async fn a_valid_scan_names_the_membership() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let response = app.scan(&member, 0, CAFE.cashier_key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let scanned: ScanResponse = response.json_as();
    assert_eq!(scanned.membership_id.as_str(), member.id());
    assert_eq!(scanned.merchant_id, CAFE.id);
    assert_eq!(
        scanned.member_since,
        member.enrolled.membership.member_since
    );
}

#[tokio::test]
async fn the_typed_form_is_accepted_too() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let typed = format!(
        "{} {}",
        member.enrolled.membership.id.grouped(),
        member.code(app.now(), 0)
    );
    let response = app.scan_payload(&typed, CAFE.cashier_key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
}

#[tokio::test]
async fn the_same_code_works_once() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let payload = member.payload(app.now(), 0);
    assert_eq!(
        app.scan_payload(&payload, CAFE.cashier_key).await.status,
        StatusCode::OK
    );
    app.scan_payload(&payload, CAFE.cashier_key)
        .await
        .assert_error(StatusCode::CONFLICT, error_code::CODE_ALREADY_USED);
    // The previous step is older than the one just used: a replay as well.
    app.scan(&member, -1, CAFE.cashier_key)
        .await
        .assert_error(StatusCode::CONFLICT, error_code::CODE_ALREADY_USED);
    // The next step is new.
    assert_eq!(
        app.scan(&member, 1, CAFE.cashier_key).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn one_step_either_side_is_accepted_two_ahead_is_not() {
    let app = TestApp::start().await;
    let member = app.enroll("BOOKS").await;
    app.scan(&member, 2, BOOKS.cashier_key)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, error_code::CODE_INVALID);
    assert_eq!(
        app.scan(&member, -1, BOOKS.cashier_key).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.scan(&member, 1, BOOKS.cashier_key).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn codes_follow_the_clock() {
    let app = TestApp::start().await;
    let member = app.enroll("BOOKS").await;
    let payload = member.payload(app.now(), 0);
    app.clock.advance(2 * STEP);
    app.scan_payload(&payload, BOOKS.cashier_key)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, error_code::CODE_EXPIRED);
    assert_eq!(
        app.scan(&member, 0, BOOKS.cashier_key).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn old_codes_are_expired_then_invalid() {
    let app = TestApp::start().await;
    let member = app.enroll("BOOKS").await;
    for offset in [-2, -10, -20] {
        app.scan(&member, offset, BOOKS.cashier_key)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, error_code::CODE_EXPIRED);
    }
    // More than ten minutes old: no longer recognised at all.
    app.scan(&member, -22, BOOKS.cashier_key)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, error_code::CODE_INVALID);
}

#[tokio::test]
async fn wrong_digits_are_invalid() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let now = app.now();
    let recent: HashSet<String> = (-25..=3).map(|offset| member.code(now, offset)).collect();
    let wrong = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|code| !recent.contains(code))
        .unwrap();
    let payload = format!("MW1:{}:{wrong}", member.id());
    app.scan_payload(&payload, CAFE.cashier_key)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, error_code::CODE_INVALID);
    let too_long = format!("MW1:{}:{}0", member.id(), member.code(now, 0));
    app.scan_payload(&too_long, CAFE.cashier_key)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, error_code::CODE_INVALID);
}

#[tokio::test]
async fn scanning_needs_a_valid_cashier_key() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let body = serde_json::json!({ "payload": member.payload(app.now(), 0) }).to_string();

    app.post("/v1/cashier/scan", &body, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED);
    app.post("/v1/cashier/scan", &body, Some("demo-cashier-nope"))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED);
    let mut basic = post_request("/v1/cashier/scan", &body, None);
    basic
        .headers_mut()
        .insert("authorization", "Basic ZGVtbzpkZW1v".parse().unwrap());
    app.send(basic)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED);
    // Authentication comes before the body is looked at.
    app.post("/v1/cashier/scan", "garbage", None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, error_code::UNAUTHORIZED);

    // The refused attempts did not use the code up.
    let mut lower_case_scheme = post_request("/v1/cashier/scan", &body, None);
    lower_case_scheme.headers_mut().insert(
        "authorization",
        format!("bearer {}", CAFE.cashier_key).parse().unwrap(),
    );
    assert_eq!(app.send(lower_case_scheme).await.status, StatusCode::OK);
}

#[tokio::test]
async fn another_shops_member_is_unknown() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    app.scan(&member, 0, YAKINIKU.cashier_key)
        .await
        .assert_error(StatusCode::NOT_FOUND, error_code::MEMBERSHIP_UNKNOWN);
    app.scan_payload("MW1:7K3D9QX2M4PA:123456", CAFE.cashier_key)
        .await
        .assert_error(StatusCode::NOT_FOUND, error_code::MEMBERSHIP_UNKNOWN);
    // The cafe can still use the code the other shop was shown.
    assert_eq!(
        app.scan(&member, 0, CAFE.cashier_key).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn malformed_payloads_are_400_with_the_parse_message() {
    let app = TestApp::start().await;
    for payload in [
        "https://example.com/",
        "MW2:7K3D9QX2M4PA:492039",
        "MW1:7K3D9QX2M4PA:12",
        "",
    ] {
        let message = app
            .scan_payload(payload, CAFE.cashier_key)
            .await
            .assert_error(StatusCode::BAD_REQUEST, error_code::MEMBER_CODE_MALFORMED);
        let expected = MemberCode::parse(payload).unwrap_err().to_string();
        assert_eq!(message, expected);
    }
}

#[tokio::test]
async fn five_failures_lock_a_member_out_until_the_window_passes() {
    let app = TestApp::start().await;
    let member = app.enroll("YAKINIKU").await;
    let bystander = app.enroll("YAKINIKU").await;
    for _ in 0..MEMBER_MAX_FAILURES {
        app.scan(&member, 5, YAKINIKU.cashier_key)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, error_code::CODE_INVALID);
    }
    let limited = app.scan(&member, 0, YAKINIKU.cashier_key).await;
    limited.assert_error(StatusCode::TOO_MANY_REQUESTS, error_code::RATE_LIMITED);
    let retry_after: u64 = limited
        .header("retry-after")
        .expect("a Retry-After header")
        .parse()
        .expect("Retry-After in seconds");
    assert!(
        (1..=FAILURE_WINDOW_SECS).contains(&retry_after),
        "{retry_after}"
    );

    // Other members of the shop are not affected.
    assert_eq!(
        app.scan(&bystander, 0, YAKINIKU.cashier_key).await.status,
        StatusCode::OK
    );

    app.clock.advance(retry_after - 1);
    app.scan(&member, 0, YAKINIKU.cashier_key)
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, error_code::RATE_LIMITED);
    app.clock.advance(1);
    let response = app.scan(&member, 0, YAKINIKU.cashier_key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
}

#[tokio::test]
async fn a_cashier_key_is_limited_across_members() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    // Unknown members, each below its own limit, add up on the key.
    for n in 0..CASHIER_MAX_FAILURES {
        let id = wallet_core::MembershipId::from_random(n as u64);
        app.scan_payload(&format!("MW1:{id}:123456"), CAFE.cashier_key)
            .await
            .assert_error(StatusCode::NOT_FOUND, error_code::MEMBERSHIP_UNKNOWN);
    }
    let limited = app.scan(&member, 0, CAFE.cashier_key).await;
    limited.assert_error(StatusCode::TOO_MANY_REQUESTS, error_code::RATE_LIMITED);
    assert!(limited.header("retry-after").is_some());
    // Another shop's key has its own budget.
    let other = app.enroll("BOOKS").await;
    assert_eq!(
        app.scan(&other, 0, BOOKS.cashier_key).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn guessing_cashier_keys_from_one_address_is_stopped() {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    use tower::ServiceExt;
    use wallet_server::state::KEY_MAX_FAILURES;

    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    let scan = |key: &str, from: &str| {
        let body = serde_json::json!({ "payload": member.payload(app.now(), 0) }).to_string();
        let mut request = post_request("/v1/cashier/scan", &body, Some(key));
        let peer: SocketAddr = from.parse().expect("an address");
        request.extensions_mut().insert(ConnectInfo(peer));
        let router = app.app.clone();
        async move { router.oneshot(request).await.expect("an answer").status() }
    };
    for n in 0..KEY_MAX_FAILURES {
        let guess = format!("demo-cashier-guess-{n}");
        assert_eq!(
            scan(&guess, "203.0.113.7:6000").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // Over the limit even the right key waits: the limit stops guessing, not only slows it.
    assert_eq!(
        scan(CAFE.cashier_key, "203.0.113.7:6001").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another address (another shop's till) is not held back.
    assert_eq!(
        scan(CAFE.cashier_key, "198.51.100.4:6000").await,
        StatusCode::OK
    );
    app.clock.advance(FAILURE_WINDOW_SECS);
    assert_ne!(
        scan(CAFE.cashier_key, "203.0.113.7:6002").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn another_shops_till_cannot_lock_a_member_out() {
    let app = TestApp::start().await;
    let member = app.enroll("YAKINIKU").await;
    // The café's till scanning a yakiniku member: unknown there, however often.
    for _ in 0..MEMBER_MAX_FAILURES + 1 {
        app.scan(&member, 5, CAFE.cashier_key)
            .await
            .assert_error(StatusCode::NOT_FOUND, error_code::MEMBERSHIP_UNKNOWN);
    }
    let response = app.scan(&member, 0, YAKINIKU.cashier_key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
}

#[tokio::test]
async fn good_scans_do_not_count_toward_the_limit() {
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    for _ in 0..(MEMBER_MAX_FAILURES + 2) {
        assert_eq!(
            app.scan(&member, 0, CAFE.cashier_key).await.status,
            StatusCode::OK
        );
        app.clock.advance(STEP);
    }
}

/// Two tills scanning one code at the same moment: the database write decides, not the read
/// before it. A race cannot be forced from outside, so several rounds make a missed one unlikely.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_scans_of_one_code_let_exactly_one_through() {
    const ROUNDS: usize = 5;
    const TILLS: usize = 12;
    let app = TestApp::start().await;
    let member = app.enroll("CAFE").await;
    for round in 0..ROUNDS {
        // A new step, and past the failure window of the previous round's refusals.
        app.clock.advance(FAILURE_WINDOW_SECS + STEP);
        let body = serde_json::json!({ "payload": member.payload(app.now(), 0) }).to_string();
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(TILLS));
        let tasks: Vec<_> = (0..TILLS)
            .map(|_| {
                let router = app.app.clone();
                let request = post_request("/v1/cashier/scan", &body, Some(CAFE.cashier_key));
                let barrier = barrier.clone();
                tokio::spawn(async move {
                    use tower::ServiceExt;
                    barrier.wait().await;
                    router.oneshot(request).await.map(|r| r.status())
                })
            })
            .collect();
        let mut statuses = Vec::new();
        for task in tasks {
            statuses.push(task.await.unwrap().unwrap());
        }
        let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(ok, 1, "round {round}: {statuses:?}");
        assert!(
            statuses.iter().all(|s| [
                StatusCode::OK,
                StatusCode::CONFLICT,
                StatusCode::TOO_MANY_REQUESTS
            ]
            .contains(s)),
            "round {round}: {statuses:?}"
        );
    }
}

#[tokio::test]
async fn demo_seed_is_idempotent() {
    let app = TestApp::start().await;
    wallet_server::demo::seed(&app.pool).await.unwrap();
    wallet_server::demo::seed(&app.pool).await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM merchants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, wallet_server::demo::MERCHANTS.len() as i64);
}

/// 1 in 1,024 membership ids start with `MW`: the cashier types such a member's number and code
/// like any other (protocol 3.2), and the till does not take it for a payload.
#[tokio::test]
async fn a_member_whose_id_starts_with_mw_can_be_typed_at_the_till() {
    use wallet_server::store::memberships::{self, NewMembership};
    let app = TestApp::start().await;
    // Enroll picks ids at random; this one is made with the enrolled member's secret instead.
    let enrolled = app.enroll("CAFE").await.enrolled;
    let mut conn = app.pool.acquire().await.expect("a connection");
    let id = "MW1D9QX2M4PA";
    let row = NewMembership {
        id,
        merchant_id: CAFE.id,
        token: "mwt_conformance_mw_member",
        totp_secret: &enrolled.totp.secret,
        member_since: enrolled.membership.member_since,
        line_user_id: None,
    };
    assert!(memberships::insert(&mut conn, &row).await.expect("insert"));
    drop(conn);
    let mut as_mw = enrolled.clone();
    as_mw.membership.id = wallet_core::MembershipId::parse(id).expect("an id");
    let member = common::member_from(as_mw);

    let code = member.code(app.now(), 0);
    let typed = format!("MW1D 9QX2 M4PA {} {}", &code[..3], &code[3..]);
    let response = app.scan_payload(&typed, CAFE.cashier_key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let scanned: ScanResponse = response.json_as();
    assert_eq!(scanned.membership_id.as_str(), id);
    // Its QR payload works too, and the typed form in lower case with the next step's code.
    let next = member.code(app.now(), 1).to_ascii_lowercase();
    let response = app
        .scan_payload(&format!("mw1d-9qx2-m4pa-{next}"), CAFE.cashier_key)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    app.clock.advance(2 * STEP);
    let response = app.scan(&member, 0, CAFE.cashier_key).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
}
