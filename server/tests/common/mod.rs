//! The test harness: every test gets its own fresh database, on SQLite by default or on the
//! PostgreSQL server named by `TEST_DATABASE_URL`, so one suite checks both backends.

#![allow(dead_code)] // each test file uses a different part of the harness

pub mod till;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::AnyPool;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tower::ServiceExt;
use wallet_core::protocol::{EnrollResponse, ErrorBody};
use wallet_core::{MemberCode, Totp};
use wallet_server::clock::ManualClock;
use wallet_server::demo;
use wallet_server::http::router;
use wallet_server::state::AppState;
use wallet_server::store::connection as db;

/// Mid-step (15 s into a 30 s step), so moving by whole steps never lands on a boundary.
pub const START_TIME: u64 = 1_750_000_005;

/// A name no other test (in this or a parallel test process) uses.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// A database that exists for one test and is removed when dropped.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl TestDb {
    pub async fn create() -> Self {
        sqlx::any::install_default_drivers();
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let name = unique_name("wallet_test");
                let admin = AnyPool::connect(&admin_url)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&admin)
                    .await
                    .expect("create a test database");
                admin.close().await;
                Self {
                    url: with_database_name(&admin_url, &name),
                    cleanup: Cleanup::PostgresDatabase { admin_url, name },
                }
            }
            _ => {
                let path = std::env::temp_dir().join(format!("{}.db", unique_name("wallet-test")));
                Self {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    cleanup: Cleanup::SqliteFile(path),
                }
            }
        }
    }
}

/// Swaps the database name in a postgres URL, keeping user, host, port and query.
fn with_database_name(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                // Drop runs inside the test's runtime, which cannot block on itself: a thread
                // with its own runtime does the async work.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    runtime.block_on(async move {
                        if let Ok(admin) = AnyPool::connect(&admin_url).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .execute(&admin)
                            .await;
                            admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// A temporary directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(unique_name("wallet-dist"));
        std::fs::create_dir_all(&path).expect("create a temp dir");
        Self(path)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) {
        let path = self.0.join(name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).expect("make a fixture folder");
        }
        std::fs::write(path, bytes).expect("write a fixture file");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The router the binary serves, on a fresh seeded database and a clock the test controls.
pub struct TestApp {
    pub app: Router,
    pub clock: Arc<ManualClock>,
    pub pool: AnyPool,
    // Dropped last: the database outlives the router that uses it.
    pub db: TestDb,
}

impl TestApp {
    pub async fn start() -> Self {
        Self::with_dist(Path::new("/nonexistent-wallet-dist")).await
    }

    pub async fn with_dist(dist: &Path) -> Self {
        Self::configured(dist, |state| state).await
    }

    /// With the state as `configure` makes it (a LINE verifier, a public URL...).
    pub async fn with_state(configure: impl FnOnce(AppState) -> AppState) -> Self {
        Self::configured(Path::new("/nonexistent-wallet-dist"), configure).await
    }

    async fn configured(dist: &Path, configure: impl FnOnce(AppState) -> AppState) -> Self {
        let db = TestDb::create().await;
        let pool = db::connect(&db.url).await.expect("connect and migrate");
        demo::seed(&pool).await.expect("seed the demo merchants");
        let clock = Arc::new(ManualClock::new(START_TIME));
        let state = configure(AppState::new(pool.clone(), clock.clone()));
        let app = router(state, dist);
        Self {
            app,
            clock,
            pool,
            db,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("read the body")
            .to_bytes()
            .to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::builder().method(Method::GET).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).expect("a valid request"))
            .await
    }

    pub async fn post(&self, path: &str, body: &str, bearer: Option<&str>) -> TestResponse {
        self.send(post_request(path, body, bearer)).await
    }

    pub async fn enroll(&self, join_code: &str) -> Member {
        let response = self
            .post(
                "/v1/enroll",
                &format!(r#"{{"join_code":"{join_code}"}}"#),
                None,
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        let enrolled: EnrollResponse = response.json_as();
        let totp = enrolled.validate().expect("a response the wallet accepts");
        Member { enrolled, totp }
    }

    /// Scans `member`'s code for the step `offset` steps from now.
    pub async fn scan(&self, member: &Member, offset: i64, cashier_key: &str) -> TestResponse {
        let payload = member.payload(self.now(), offset);
        self.scan_payload(&payload, cashier_key).await
    }

    pub async fn scan_payload(&self, payload: &str, cashier_key: &str) -> TestResponse {
        let body = serde_json::json!({ "payload": payload }).to_string();
        self.post("/v1/cashier/scan", &body, Some(cashier_key))
            .await
    }

    pub fn now(&self) -> u64 {
        use wallet_server::clock::Clock;
        self.clock.now_unix()
    }
}

pub fn post_request(path: &str, body: &str, bearer: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(key) = bearer {
        request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    request
        .body(Body::from(body.to_owned()))
        .expect("a valid request")
}

pub struct Member {
    pub enrolled: EnrollResponse,
    pub totp: Totp,
}

/// The member of an enroll answer the test sent itself.
pub fn member_from(enrolled: EnrollResponse) -> Member {
    let totp = enrolled.validate().expect("a response the wallet accepts");
    Member { enrolled, totp }
}

impl Member {
    pub fn id(&self) -> &str {
        self.enrolled.membership.id.as_str()
    }

    pub fn code(&self, now: u64, offset: i64) -> String {
        let step = self
            .totp
            .step_at(now)
            .checked_add_signed(offset)
            .expect("a step after 1970");
        self.totp.code_for_step(step)
    }

    pub fn payload(&self, now: u64, offset: i64) -> String {
        MemberCode::new(self.enrolled.membership.id.clone(), self.code(now, offset)).encode()
    }
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn json_as<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("unexpected body ({e}): {}", self.text()))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the protocol's error shape with this status and code.
    #[track_caller]
    pub fn assert_error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(self.status, status, "body: {}", self.text());
        assert!(
            self.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "error content type: {:?}",
            self.header("content-type")
        );
        let body: ErrorBody = self.json_as();
        assert_eq!(body.error.code, code, "message: {}", body.error.message);
        assert!(!body.error.message.is_empty());
        body.error.message
    }
}
