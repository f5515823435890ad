//! The shared state and the one function that assembles every route and layer.

use crate::clock::Clock;
use crate::error::{api_method_not_allowed, api_not_found};
use crate::idempotency;
use crate::json::MAX_BODY_BYTES;
use crate::merchants::CashierKeys;
use crate::programs::ProgramCache;
use crate::rate_limit::WindowLimiter;
use crate::static_files::StaticFiles;
use crate::write_gate::WriteGate;
use crate::{cashier, cashier_adjust, cashier_purchase, cashier_redeem, enroll, sync};
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderName, Method};
use axum::routing::{any, get, post};
use axum::Router;
use sqlx::AnyPool;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;
use wallet_core::cashier::IDEMPOTENCY_KEY_HEADER;

/// Failed member-code attempts allowed per membership, and per cashier key, in `FAILURE_WINDOW_SECS`.
pub const MEMBER_MAX_FAILURES: usize = 5;
pub const CASHIER_MAX_FAILURES: usize = 30;
pub const FAILURE_WINDOW_SECS: u64 = 5 * 60;
/// The window of the joins-per-address limit (`Config::enroll_limit` joins in it).
pub const ENROLL_WINDOW_SECS: u64 = 60;
/// How long a browser may reuse a CORS preflight answer.
pub const CORS_MAX_AGE_SECS: u64 = 24 * 60 * 60;

#[derive(Clone)]
pub struct AppState {
    pub db: AnyPool,
    pub clock: Arc<dyn Clock>,
    pub member_failures: Arc<WindowLimiter>,
    pub cashier_failures: Arc<WindowLimiter>,
    /// Joins per client address; `None`: no limit.
    pub enrolls: Option<Arc<WindowLimiter>>,
    /// The client's address is the last in X-Forwarded-For, not the peer's (a proxy's).
    pub behind_proxy: bool,
    /// Merchants' loyalty rules, read from the database and kept for a few seconds.
    pub programs: Arc<ProgramCache>,
    /// One writing transaction at a time on SQLite (see `write_gate`).
    pub write_gate: Arc<WriteGate>,
    /// Cashier keys found valid, kept for a few seconds.
    pub cashier_keys: Arc<CashierKeys>,
}

impl AppState {
    pub fn new(db: AnyPool, clock: Arc<dyn Clock>) -> Self {
        let write_gate = Arc::new(WriteGate::for_pool(&db));
        Self {
            db,
            clock,
            member_failures: Arc::new(WindowLimiter::new(MEMBER_MAX_FAILURES, FAILURE_WINDOW_SECS)),
            cashier_failures: Arc::new(WindowLimiter::new(
                CASHIER_MAX_FAILURES,
                FAILURE_WINDOW_SECS,
            )),
            enrolls: None,
            behind_proxy: false,
            programs: Arc::new(ProgramCache::default()),
            write_gate,
            cashier_keys: Arc::new(CashierKeys::default()),
        }
    }

    /// At most `per_minute` joins a minute from one client address (0: no limit). Only requests
    /// that carry their peer's address (`ConnectInfo`, as `serve` sets it) are counted.
    pub fn with_enroll_limit(mut self, per_minute: u32) -> Self {
        self.enrolls = (per_minute > 0)
            .then(|| Arc::new(WindowLimiter::new(per_minute as usize, ENROLL_WINDOW_SECS)));
        self
    }

    /// Requests come through a reverse proxy that appends each client's address to
    /// X-Forwarded-For: the limits per client address count that address.
    pub fn behind_proxy(mut self, behind_proxy: bool) -> Self {
        self.behind_proxy = behind_proxy;
        self
    }
}

pub fn router(state: AppState, dist: &Path) -> Router {
    // Wallets live on other origins than their issuers and authenticate with bearer tokens, never
    // cookies, so any origin may call the API.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static(IDEMPOTENCY_KEY_HEADER),
        ])
        // A till running in a browser reads these (docs/protocol.md section 7).
        .expose_headers([
            header::RETRY_AFTER,
            HeaderName::from_static(idempotency::REPLAYED_HEADER),
        ])
        .max_age(Duration::from_secs(CORS_MAX_AGE_SECS));

    // Full paths rather than `nest`: a nested router's fallback does not catch `/v1/`, which
    // would then fall through to the app's index.html instead of a JSON 404.
    let v1 = Router::new()
        .route("/v1/enroll", post(enroll::enroll))
        .route("/v1/cashier/scan", post(cashier::scan))
        .route("/v1/cashier/purchase", post(cashier_purchase::purchase))
        .route("/v1/cashier/redeem", post(cashier_redeem::redeem))
        .route("/v1/cashier/adjust", post(cashier_adjust::adjust))
        .route("/v1/sync", post(sync::sync))
        .route("/v1", any(api_not_found))
        .route("/v1/", any(api_not_found))
        .route("/v1/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(api_method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(cors);

    let files = StaticFiles::new(dist);
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(v1)
        .fallback(move |request: Request| files.clone().serve(request))
        .with_state(state)
        // Compresses API answers and files without a precompressed sibling; it leaves alone any
        // response that already has a Content-Encoding, so .br/.gz files are sent as they are.
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}
