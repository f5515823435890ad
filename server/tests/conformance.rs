//! The conformance suite (crate `wallet-conformance`), over real HTTP against this server on a
//! loopback port, on SQLite or on the PostgreSQL of TEST_DATABASE_URL. What a third party runs
//! against its own backend, run here against ours.

mod common;

use common::TestApp;
use serde_json::json;
use wallet_conformance::{run, Config, Status};
use wallet_core::sync::EntityKind;
use wallet_server::store::entities::{self, EntityWrite};

/// More than two pages, so `more` is seen twice.
const FIXTURE_ENTITIES: usize = 1_200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_server_passes_the_conformance_suite() {
    let app = TestApp::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let port = listener.local_addr().expect("its address").port();
    let router = app.app.clone();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

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

    let config = Config {
        base_url: format!("http://127.0.0.1:{port}"),
        // Lower case on purpose: join codes match case-insensitively.
        join_code: "cafe".into(),
        fixture_token: Some(fixture.enrolled.membership.token.clone()),
    };
    // The suite's client blocks: it runs on a thread of its own while the server serves.
    let report = tokio::task::spawn_blocking(move || run(&config, |outcome| println!("{outcome}")))
        .await
        .expect("the suite ran");
    println!("{}", report.summary());
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
