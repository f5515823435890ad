//! The suite's view of HTTP: send a request to the issuer, get status, headers and body back.
//! Every answer is data to check, error statuses included.

use std::time::Duration;

/// How long one request may take before the check fails.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest answer read; a page of 500 changes is far below this.
const MAX_ANSWER_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Clone)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
}

/// An answer from the issuer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body and status, shortened, for a failure message.
    pub fn describe(&self) -> String {
        let body: String = self.body.chars().take(300).collect();
        format!("HTTP {}: {body}", self.status)
    }
}

impl Client {
    /// `base` is the issuer's base URL (`https://wallet.example.com/loyalty`), without `/v1`.
    ///
    /// A new connection per request: a server may close a connection after an error answer it
    /// gave without reading the body (a 401 before the body, a 413), and a POST sent on such a
    /// stale pooled connection fails with nothing for the suite to check.
    pub fn new(base: &str) -> Self {
        Self::with_keep_alive(base, false)
    }

    /// With `keep_alive`, connections are reused as a browser does (for timing round trips).
    pub fn with_keep_alive(base: &str, keep_alive: bool) -> Self {
        let idle = if keep_alive { 8 } else { 0 };
        let config = ureq::Agent::config_builder()
            .max_idle_connections(idle)
            .max_idle_connections_per_host(idle)
            // Error statuses are answers to check, not failures of the request.
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            // The issuer under test, never a proxy from the environment.
            .proxy(None)
            .max_redirects(0)
            .build();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            agent: ureq::Agent::new_with_config(config),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// POST with a JSON body (any bytes: the suite also sends bodies that are not JSON).
    pub fn post(&self, path: &str, body: &[u8], bearer: Option<&str>) -> Result<Reply, String> {
        self.post_with(path, body, bearer, Some("application/json"), &[])
    }

    pub fn post_with(
        &self,
        path: &str,
        body: &[u8],
        bearer: Option<&str>,
        content_type: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Result<Reply, String> {
        let mut request = self.agent.post(self.url(path));
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read(request.send(body), "POST", path)
    }

    pub fn get(&self, path: &str) -> Result<Reply, String> {
        read(self.agent.get(self.url(path)).call(), "GET", path)
    }

    pub fn options(&self, path: &str, headers: &[(&str, &str)]) -> Result<Reply, String> {
        let mut request = self.agent.options(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        read(request.call(), "OPTIONS", path)
    }
}

fn read(
    result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    method: &str,
    path: &str,
) -> Result<Reply, String> {
    let mut response = result.map_err(|e| format!("{method} {path} failed: {e}"))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER_BYTES)
        .lossy_utf8(true)
        .read_to_string()
        .map_err(|e| format!("{method} {path}: reading the answer failed: {e}"))?;
    Ok(Reply {
        status,
        headers,
        body,
    })
}
