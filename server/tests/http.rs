//! Everything around the API: the built app's files, caching, compression, CORS, health and
//! the JSON 404 of the API's namespace.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{TempDir, TestApp};
use wallet_core::protocol::error_code;
use wallet_server::http::static_files::{IMMUTABLE, NO_CACHE};

const INDEX: &str = "<!doctype html><title>Member Wallet</title><p>wallet app shell</p>";
const WASM_NAME: &str = "wallet-app-1a2b3c4d5e6f7a8b_bg.wasm";
const WASM: &[u8] = b"\0asm\x01\0\0\0 pretend module";
const CSS_NAME: &str = "style-0123456789abcdef0123.css";

fn dist() -> TempDir {
    let dist = TempDir::new();
    dist.write("index.html", INDEX.as_bytes());
    dist.write(WASM_NAME, WASM);
    // Not real brotli: if the server compressed it again, the bytes would differ.
    dist.write(&format!("{WASM_NAME}.br"), b"pretend-brotli-bytes");
    dist.write(&format!("{WASM_NAME}.gz"), b"pretend-gzip-bytes");
    dist.write(CSS_NAME, b"body { color: #7a1f2b }");
    dist.write("manifest.webmanifest", b"{\"name\":\"Member Wallet\"}");
    dist
}

#[tokio::test]
async fn health_check() {
    let app = TestApp::start().await;
    let response = app.get("/healthz", &[]).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.text(), "ok");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_pages_a_strict_policy() {
    let dist = TempDir::new();
    let script = "import('/app.js')";
    dist.write(
        "index.html",
        format!("<!doctype html><script type=\"module\">{script}</script><script src=\"/x.js\"></script>").as_bytes(),
    );
    let app = TestApp::with_dist(&dist.0).await;
    let page = app.get("/m/7K3D9QX2M4PA", &[]).await;
    let api = app
        .post("/v1/enroll", r#"{"join_code":"CAFE"}"#, None)
        .await;
    let missing = app.get("/v1/nothing", &[]).await;
    for response in [&page, &api, &missing] {
        assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(response.header("referrer-policy"), Some("no-referrer"));
        let permissions = response.header("permissions-policy").unwrap_or_default();
        assert!(permissions.contains("camera=(self)"), "{permissions}");
        assert!(permissions.contains("geolocation=()"), "{permissions}");
    }
    // The enroll answer carries a token and a TOTP secret: no cache may keep it.
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.header("cache-control"), Some("no-store"));
    assert_eq!(missing.header("cache-control"), Some("no-store"));

    let policy = page
        .header("content-security-policy")
        .expect("a policy on the page");
    let script_src = policy
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .expect("script-src");
    // The inline script's SHA-256 in base64 (`printf %s "import('/app.js')" | openssl dgst
    // -sha256 -binary | base64`); the external one needs none.
    assert!(
        script_src.contains("'sha256-L9OJ8fYpdT8T6tOHqS7iUJqAwjLdjlodTrALRZAJsh4='"),
        "{script_src}"
    );
    assert_eq!(script_src.matches("'sha256-").count(), 1, "{script_src}");
    assert!(script_src.contains("'wasm-unsafe-eval'"), "{script_src}");
    assert!(!script_src.contains("unsafe-inline"), "{script_src}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(policy.contains("object-src 'none'"), "{policy}");
}

#[tokio::test]
async fn the_health_check_fails_when_the_database_does() {
    let app = TestApp::start().await;
    app.pool.close().await;
    let response = app.get("/healthz", &[]).await;
    assert_eq!(
        response.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        response.text()
    );
}

#[tokio::test]
async fn a_folder_is_never_redirected_to_another_host() {
    let dist = dist();
    dist.write("icons/icon-192.png", b"png");
    let app = TestApp::with_dist(&dist.0).await;
    for path in ["//icons", "/icons", "//icons/", "///icons"] {
        let response = app.get(path, &[]).await;
        let location = response.header("location").unwrap_or_default().to_owned();
        assert!(
            !location.starts_with("//"),
            "{path}: {} redirects to {location}, another host's address",
            response.status
        );
    }
    let icon = app.get("/icons/icon-192.png", &[]).await;
    assert_eq!(icon.status, StatusCode::OK);
}

#[tokio::test]
async fn wasm_is_served_as_application_wasm_and_cached_for_good() {
    let dist = dist();
    let app = TestApp::with_dist(&dist.0).await;
    let response = app.get(&format!("/{WASM_NAME}"), &[]).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-type"), Some("application/wasm"));
    assert_eq!(response.header("cache-control"), Some(IMMUTABLE));
    assert_eq!(response.body, WASM);

    let css = app.get(&format!("/{CSS_NAME}"), &[]).await;
    assert_eq!(css.header("cache-control"), Some(IMMUTABLE));
    assert!(css
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/css")));
}

#[tokio::test]
async fn index_and_unhashed_files_must_be_revalidated() {
    let dist = dist();
    let app = TestApp::with_dist(&dist.0).await;
    for path in ["/", "/index.html", "/manifest.webmanifest"] {
        let response = app.get(path, &[]).await;
        assert_eq!(response.status, StatusCode::OK, "{path}");
        assert_eq!(response.header("cache-control"), Some(NO_CACHE), "{path}");
    }
    assert_eq!(app.get("/", &[]).await.text(), INDEX);
}

#[tokio::test]
async fn precompressed_files_are_sent_as_they_are() {
    let dist = dist();
    let app = TestApp::with_dist(&dist.0).await;
    let path = format!("/{WASM_NAME}");

    let br = app
        .get(&path, &[("accept-encoding", "gzip, deflate, br")])
        .await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.header("content-type"), Some("application/wasm"));
    assert_eq!(br.header("cache-control"), Some(IMMUTABLE));
    assert_eq!(br.body, b"pretend-brotli-bytes");

    let gzip = app.get(&path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(gzip.body, b"pretend-gzip-bytes");

    let plain = app.get(&path, &[]).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, WASM);
}

#[tokio::test]
async fn app_routes_fall_back_to_index() {
    let dist = dist();
    let app = TestApp::with_dist(&dist.0).await;
    for path in [
        "/m/ABCDEFGHJKMN",
        "/join?issuer=http%3A%2F%2F127.0.0.1%3A8080&code=CAFE",
        "/settings",
    ] {
        let response = app.get(path, &[]).await;
        assert_eq!(response.status, StatusCode::OK, "{path}");
        assert_eq!(response.text(), INDEX, "{path}");
        assert!(response
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html")));
        assert_eq!(response.header("cache-control"), Some(NO_CACHE), "{path}");
    }
    // A hashed name that does not exist must not get the index cached forever under its name.
    let missing = app.get("/wallet-app-ffffffffffffffff_bg.wasm", &[]).await;
    assert_eq!(missing.header("cache-control"), Some(NO_CACHE));
}

#[tokio::test]
async fn without_a_built_app_the_api_still_works() {
    let app = TestApp::start().await;
    let response = app.get("/", &[]).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert!(
        response.text().contains("not been built"),
        "{}",
        response.text()
    );
    assert_eq!(app.get("/healthz", &[]).await.status, StatusCode::OK);
    app.enroll("CAFE").await;
}

#[tokio::test]
async fn unknown_api_paths_are_json_404() {
    let dist = dist();
    let app = TestApp::with_dist(&dist.0).await;
    for path in ["/v1/x", "/v1/", "/v1", "/v1/cashier/scan/extra"] {
        let response = app.get(path, &[]).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        response.assert_error(StatusCode::NOT_FOUND, error_code::NOT_FOUND);
    }
    app.post("/v1/nothing", "{}", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, error_code::NOT_FOUND);
    app.get("/v1/enroll", &[])
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, error_code::BAD_REQUEST);
}

/// A v1 issuer answers any `/v2/...` with the JSON 404 a wallet reads as "v1 only" (protocol
/// 9.11), with CORS so a wallet on another origin can read it; never the app's page.
#[tokio::test]
async fn v2_paths_are_json_404_with_cors() {
    let dist = dist();
    let app = TestApp::with_dist(&dist.0).await;
    for method in [Method::GET, Method::POST] {
        for path in ["/v2/sync", "/v2/enroll", "/v2", "/v2/"] {
            let request = Request::builder()
                .method(method.clone())
                .uri(path)
                .header("origin", "https://wallet.example")
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let response = app.send(request).await;
            response.assert_error(StatusCode::NOT_FOUND, error_code::NOT_FOUND);
            assert_eq!(
                response.header("access-control-allow-origin"),
                Some("*"),
                "{method} {path}"
            );
        }
    }
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/v2/sync")
        .header("origin", "https://wallet.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .body(Body::empty())
        .unwrap();
    let response = app.send(preflight).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
}

/// Protocol 6: 405 names the one method the endpoint takes, and comes before authentication.
#[tokio::test]
async fn wrong_method_names_post_and_comes_before_authentication() {
    let app = TestApp::start().await;
    let response = app
        .get("/v1/sync", &[("authorization", "Bearer nobody")])
        .await;
    response.assert_error(StatusCode::METHOD_NOT_ALLOWED, error_code::BAD_REQUEST);
    assert_eq!(response.header("allow"), Some("POST"));
}

/// Protocol 7: the preflight is 200 on every `/v1` path, unknown ones included (the browser then
/// sends the request and the wallet reads its JSON 404).
#[tokio::test]
async fn the_preflight_is_200_on_unknown_paths_too() {
    let app = TestApp::start().await;
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/v1/no-such-endpoint")
        .header("origin", "https://wallet.example")
        .header("access-control-request-method", "POST")
        .body(Body::empty())
        .unwrap();
    let response = app.send(preflight).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn cors_preflight_allows_any_origin_with_bearer_tokens() {
    let app = TestApp::start().await;
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/v1/cashier/scan")
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
    let methods = response
        .header("access-control-allow-methods")
        .unwrap_or_default();
    for method in ["GET", "POST", "OPTIONS"] {
        assert!(methods.contains(method), "{methods}");
    }
    let headers = response
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    assert_eq!(response.header("access-control-max-age"), Some("86400"));

    // Error answers carry the header too, or the wallet could not read them.
    let mut request = common::post_request("/v1/enroll", "{}", None);
    request
        .headers_mut()
        .insert("origin", "https://wallet.example".parse().unwrap());
    let error = app.send(request).await;
    assert_eq!(error.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn api_answers_are_compressed_when_the_client_allows() {
    let app = TestApp::start().await;
    let mut request = common::post_request("/v1/enroll", r#"{"join_code":"CAFE"}"#, None);
    request
        .headers_mut()
        .insert("accept-encoding", "gzip".parse().unwrap());
    let response = app.send(request).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-encoding"), Some("gzip"));
    assert_eq!(&response.body[..2], [0x1f, 0x8b], "gzip magic");
}
