//! The conformance suite (crate `wallet-conformance`), over real HTTP against this server on a
//! loopback port, on SQLite or on the PostgreSQL of TEST_DATABASE_URL. What a third party runs
//! against its own backend, run here against ours.

mod common;

use common::TestApp;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;
use wallet_conformance::{run, CashierConfig, Config, Report, Status};
use wallet_core::sync::EntityKind;
use wallet_server::clock::SystemClock;
use wallet_server::demo::{DemoMerchant, CAFE, YAKINIKU};
use wallet_server::http::router;
use wallet_server::state::AppState;
use wallet_server::store::entities::{self, EntityWrite};

/// More than two pages, so `more` is seen twice.
const FIXTURE_ENTITIES: usize = 1_200;

/// Serves `app`'s database on a loopback port until the handle is aborted.
async fn serve(app: &TestApp) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let port = listener.local_addr().expect("its address").port();
    // The real clock, not the harness's fixed one: the suite computes member codes from its own
    // clock, as a till would.
    let state = AppState::new(app.pool.clone(), Arc::new(SystemClock));
    let router = router(state, Path::new("/nonexistent-wallet-dist"));
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://127.0.0.1:{port}"), server)
}

/// Runs the suite, printing as it goes. Its client blocks: it runs on a thread of its own while
/// the server serves.
async fn run_suite(config: Config) -> Report {
    let report = tokio::task::spawn_blocking(move || run(&config, |outcome| println!("{outcome}")))
        .await
        .expect("the suite ran");
    println!("{}", report.summary());
    report
}

fn till_of(merchant: &DemoMerchant) -> Option<CashierConfig> {
    Some(CashierConfig {
        key: merchant.cashier_key.into(),
        join_code: merchant.join_code.into(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_server_passes_the_conformance_suite() {
    let app = TestApp::start().await;
    let (base_url, server) = serve(&app).await;

    // The fixture an operator prepares: a membership with over a page of entities, some deleted.
    // Our server makes it through its library; nothing in the HTTP API creates entities in bulk.
    let fixture = app.enroll("BOOKS").await;
    let mut writes: Vec<EntityWrite> = (0..FIXTURE_ENTITIES)
        .map(|i| {
            EntityWrite::put(
                EntityKind::LedgerEntry,
                format!("entry-{i:05}"),
                json!({ "points": i }),
            )
        })
        .collect();
    writes.extend(
        (0..3).map(|i| EntityWrite::delete(EntityKind::LedgerEntry, format!("entry-{i:05}"))),
    );
    entities::write_all(&app.pool, fixture.id(), &writes)
        .await
        .expect("write the fixture");

    let report = run_suite(Config {
        base_url,
        // Lower case on purpose: join codes match case-insensitively.
        join_code: "cafe".into(),
        fixture_token: Some(fixture.enrolled.membership.token.clone()),
        // Stamps with a coupon step, group points and a rewards catalogue: every cashier check
        // has something to act on.
        cashier: till_of(&YAKINIKU),
    })
    .await;
    server.abort();

    let failed: Vec<String> = report
        .outcomes
        .iter()
        .filter(|o| !matches!(o.status, Status::Passed))
        .map(ToString::to_string)
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert_eq!(report.passed(), wallet_conformance::checks::ALL.len());
}

/// A merchant without points (the café): the points adjustment is skipped and says why; every
/// other cashier check still passes (its coupons come from stamps).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cashier_checks_skip_what_a_merchant_does_not_offer() {
    let app = TestApp::start().await;
    let (base_url, server) = serve(&app).await;
    let report = run_suite(Config {
        base_url,
        join_code: CAFE.join_code.into(),
        fixture_token: None,
        cashier: till_of(&CAFE),
    })
    .await;
    server.abort();

    let status = |name: &str| {
        report
            .outcomes
            .iter()
            .find(|o| o.name == name)
            .map(|o| o.status.clone())
    };
    assert!(
        matches!(status("cashier.adjust_exactly_once"), Some(Status::Skipped(why)) if why.contains("points_not_enabled")),
        "{:?}",
        status("cashier.adjust_exactly_once")
    );
    assert_eq!(report.failed(), 0, "{}", report.summary());
    let skipped: Vec<&str> = report
        .outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Skipped(_)))
        .map(|o| o.name)
        .collect();
    assert_eq!(
        skipped,
        [
            "cashier.adjust_exactly_once",
            "paging.follows_more",
            "paging.last_cursor_is_current",
            "paging.tombstones"
        ]
    );
}

/// Without a cashier key the till's checks are skipped, not failed: the suite still serves a
/// backend without tills.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_cashier_key_the_cashier_checks_are_skipped() {
    let app = TestApp::start().await;
    let (base_url, server) = serve(&app).await;
    let report = run_suite(Config {
        base_url,
        join_code: CAFE.join_code.into(),
        fixture_token: None,
        cashier: None,
    })
    .await;
    server.abort();
    assert_eq!(report.failed(), 0, "{}", report.summary());
    let cashier: Vec<&Status> = report
        .outcomes
        .iter()
        .filter(|o| o.name.starts_with("cashier."))
        .map(|o| &o.status)
        .collect();
    assert_eq!(cashier.len(), 10);
    assert!(cashier
        .iter()
        .all(|s| matches!(s, Status::Skipped(why) if why.contains("cashier key"))));
}

/// A key of one merchant with another merchant's join code: its members are unknown to that
/// till, and the checks fail rather than pass by accident.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cashier_checks_fail_against_a_till_that_refuses_its_members() {
    let app = TestApp::start().await;
    let (base_url, server) = serve(&app).await;
    let report = run_suite(Config {
        base_url,
        join_code: CAFE.join_code.into(),
        fixture_token: None,
        cashier: Some(CashierConfig {
            key: YAKINIKU.cashier_key.into(),
            join_code: CAFE.join_code.into(),
        }),
    })
    .await;
    server.abort();
    let failed: Vec<&str> = report
        .outcomes
        .iter()
        .filter(|o| matches!(o.status, Status::Failed(_)))
        .map(|o| o.name)
        .collect();
    assert!(
        failed.contains(&"cashier.fresh_code_then_replay"),
        "{failed:?}"
    );
    assert!(
        failed.contains(&"cashier.purchase_exactly_once"),
        "{failed:?}"
    );
}
