//! The protocol face: the one router (every route, CORS, body limit, compression) and the
//! handlers that read a request, ask `loyalty` and `store`, and answer in the protocol's words.
//! Nothing below this layer names `AppState` or `ApiError` (docs/architecture.md).

pub mod auth;
pub mod cashier;
pub mod client_address;
pub mod enroll;
pub mod error;
pub mod json;
pub mod line_id;
pub mod rate_limit;
pub mod security_headers;
pub mod static_files;
pub mod sync;

use crate::state::AppState;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::routing::{any, get, post};
use axum::Router;
use error::{api_method_not_allowed, api_not_found};
use json::MAX_BODY_BYTES;
use static_files::StaticFiles;
use std::path::Path;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use wallet_core::cashier::IDEMPOTENCY_KEY_HEADER;

/// How long a browser may reuse a CORS preflight answer.
pub const CORS_MAX_AGE_SECS: u64 = 24 * 60 * 60;

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
            HeaderName::from_static(cashier::REPLAYED_HEADER),
        ])
        .max_age(Duration::from_secs(CORS_MAX_AGE_SECS));

    // Full paths rather than `nest`: a nested router's fallback does not catch `/v1/`, which
    // would then fall through to the app's index.html instead of a JSON 404.
    let v1 = Router::new()
        .route("/v1/enroll", post(enroll::enroll))
        .route("/v1/cashier/scan", post(cashier::scan::scan))
        .route("/v1/cashier/purchase", post(cashier::purchase::purchase))
        .route("/v1/cashier/redeem", post(cashier::redeem::redeem))
        .route("/v1/cashier/adjust", post(cashier::adjust::adjust))
        .route("/v1/cashier/surveys", get(cashier::surveys::results))
        .route(
            "/v1/cashier/claim-codes",
            post(cashier::claim_codes::create),
        )
        .route("/v1/cashier/poster", get(cashier::poster::poster))
        .route(
            "/v1/cashier/messages",
            post(cashier::messages::announce_to_all),
        )
        .route(
            "/v1/cashier/campaigns/{id}/end",
            post(cashier::campaign_end::end),
        )
        .route(
            "/v1/cashier/campaigns/{id}/grant",
            post(cashier::campaign_grant::grant),
        )
        .route("/v1/sync", post(sync::sync))
        .route("/v1", any(api_not_found))
        .route("/v1/", any(api_not_found))
        .route("/v1/{*rest}", any(api_not_found))
        // A v1 issuer answers v2 with the JSON 404 a wallet reads as "v1 only" (protocol 9.11);
        // left to the app's fallback it would be index.html, or a 405 for a POST.
        .route("/v2", any(api_not_found))
        .route("/v2/", any(api_not_found))
        .route("/v2/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(api_method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(cors)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(security_headers::API_CACHE_CONTROL),
        ));

    let files = StaticFiles::new(dist);
    let mut router = Router::new().route("/healthz", get(health));
    // The wallet's LIFF setting (README "LINE"), asked for only inside LINE. Unset: the path is
    // left to the files, so a wallet served elsewhere can ship its own `liff-config.json`.
    if let Some(liff_id) = state.liff_id.clone() {
        router = router.route(LIFF_CONFIG_PATH, get(move || liff_config(liff_id.clone())));
    }
    let mut router = router
        .merge(v1)
        .fallback(move |request: Request| files.clone().serve(request))
        .with_state(state);
    for (name, value) in security_headers::COMMON {
        router = router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
        // Compresses API answers and files without a precompressed sibling; it leaves alone any
        // response that already has a Content-Encoding, so .br/.gz files are sent as they are.
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// Where the wallet reads its LIFF id (app/src/platform/liff.rs).
pub const LIFF_CONFIG_PATH: &str = "/liff-config.json";

async fn liff_config(liff_id: std::sync::Arc<str>) -> impl axum::response::IntoResponse {
    (
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static(static_files::NO_CACHE),
        )],
        axum::Json(serde_json::json!({ "liff_id": &*liff_id })),
    )
}

/// `ok` while the database answers; `503` otherwise, so a load balancer stops sending requests
/// to an instance that cannot serve them.
async fn health(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!("health check: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer",
            )
        }
    }
}
