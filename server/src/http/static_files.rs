//! Serves the built app from `dist/`: precompressed siblings, long caching for content-hashed
//! names, and index.html for every other path so the app's deep links (`/m/…`, `/join?…`) load.

use super::security_headers;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The browser may keep a copy but must ask before using it, so a new release shows at once.
pub const NO_CACHE: &str = "no-cache";

const NOT_BUILT: &str = "Member Wallet's server is running, but the wallet app has not been \
built. Build it into the dist directory (see the README), or point --dist / WALLET_DIST at it, \
then reload. The API under /v1 works without it.\n";

#[derive(Clone)]
pub struct StaticFiles {
    files: ServeDir,
    index: ServeFile,
    policy: Arc<PagePolicy>,
}

/// The Content-Security-Policy of index.html, computed from the file and kept while the file's
/// modification time stays the same: a rebuilt dist/ under a running server gets its own.
struct PagePolicy {
    index_path: PathBuf,
    computed: Mutex<Option<(SystemTime, HeaderValue)>>,
}

impl PagePolicy {
    fn current(&self) -> HeaderValue {
        let modified = std::fs::metadata(&self.index_path)
            .and_then(|m| m.modified())
            .ok();
        let mut computed = self
            .computed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let (Some(modified), Some((at, policy))) = (modified, computed.as_ref()) {
            if *at == modified {
                return policy.clone();
            }
        }
        let page = std::fs::read_to_string(&self.index_path).unwrap_or_default();
        let policy = security_headers::content_security_policy(&page);
        *computed = modified.map(|at| (at, policy.clone()));
        policy
    }
}

impl StaticFiles {
    pub fn new(dist: &Path) -> Self {
        let index_path: PathBuf = dist.join("index.html");
        Self {
            // No redirect of a folder to its trailing-slash form: for `//icons` it would answer
            // `Location: //icons/`, which a browser reads as the host `icons`. A folder is
            // then not a file, so it gets the app like any other route.
            files: ServeDir::new(dist)
                .append_index_html_on_directories(false)
                .precompressed_br()
                .precompressed_gzip(),
            index: ServeFile::new(&index_path)
                .precompressed_br()
                .precompressed_gzip(),
            policy: Arc::new(PagePolicy {
                index_path,
                computed: Mutex::new(None),
            }),
        }
    }

    pub async fn serve(self, request: Request) -> Response {
        let policy = self.policy.clone();
        let method = request.method().clone();
        let hashed = is_content_hashed(request.uri().path());
        let headers = request.headers().clone();
        let response = match self.files.oneshot(request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        };
        if response.status() != StatusCode::NOT_FOUND
            || !(method == Method::GET || method == Method::HEAD)
        {
            // A 304 refreshes the stored headers, so it must repeat the long-lived policy.
            let fresh =
                response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
            let cache = if hashed && fresh { IMMUTABLE } else { NO_CACHE };
            return with_policy(&policy, with_cache_control(response, cache));
        }

        // Not a file: a route of the app. The request is rebuilt for index.html, keeping the
        // headers that pick the encoding and make conditional requests work.
        let mut index_request = Request::new(Body::empty());
        *index_request.method_mut() = method;
        *index_request.headers_mut() = headers;
        let index = match self.index.oneshot(index_request).await {
            Ok(response) => response.map(Body::new),
            Err(never) => match never {},
        };
        if index.status() == StatusCode::NOT_FOUND {
            let hint = (StatusCode::NOT_FOUND, NOT_BUILT).into_response();
            return with_cache_control(hint, NO_CACHE);
        }
        with_policy(&policy, with_cache_control(index, NO_CACHE))
    }
}

/// An app page gets the Content-Security-Policy that allows its inline scripts.
fn with_policy(policy: &PagePolicy, mut response: Response) -> Response {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if html {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy.current());
    }
    response
}

fn with_cache_control(mut response: Response, value: &'static str) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Trunk names built files `name-<hash>.ext` (e.g. `wallet-app-1a2b3c4d5e6f7a8b_bg.wasm`): such a
/// name's content never changes, so it may be cached for good. Looks for 16 or more hex digits
/// right after a `-` in the last path segment.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split('-')
        .skip(1)
        .any(|after_dash| after_dash.bytes().take_while(u8::is_ascii_hexdigit).count() >= 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_content_hashed("/wallet-app-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_content_hashed("/wallet-app-1a2b3c4d5e6f7a8b.js"));
        assert!(is_content_hashed("/style-0123456789abcdef0123.css"));
        assert!(is_content_hashed("/assets/style-0123456789ABCDEF.css"));
        assert!(!is_content_hashed("/"));
        assert!(!is_content_hashed("/index.html"));
        assert!(!is_content_hashed("/sw.js"));
        assert!(!is_content_hashed("/manifest.webmanifest"));
        assert!(
            !is_content_hashed("/style-0123456789abcde.css"),
            "15 hex digits"
        );
        assert!(!is_content_hashed("/0123456789abcdef0123.css"), "no dash");
        assert!(
            !is_content_hashed("/x-0123456789abcdef/app.js"),
            "only the file name counts"
        );
        assert!(!is_content_hashed("/m/ABCDEFGHJKMN"));
    }
}
