//! Talking to an issuer over HTTP. Everything an issuer answers is untrusted: sizes are capped,
//! bodies are parsed into typed values and validated before the caller sees them.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;
use wallet_core::loyalty::EnrollBody;
use wallet_core::protocol::{error_code, EnrollResponse, ErrorBody};
use wallet_core::sync::{SyncRequest, SyncResponse};
use wallet_core::IssuerUrl;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const TIMEOUT_MS: i32 = 15_000;
/// The protocol's cap on a response body (docs/protocol.md, limits): a page of 500 changes with
/// long texts stays well below it; a bigger body is not an answer.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq)]
pub enum IssuerError {
    /// The device says it has no network.
    Offline,
    /// No HTTP answer at all: DNS, refused connection, CORS, timeout.
    Unreachable,
    /// 401: the issuer no longer accepts this membership's token.
    Unauthorized,
    /// An HTTP error with the protocol's error body.
    Rejected { status: u16, code: String },
    /// Anything that is not a valid protocol answer.
    Garbage,
}

impl IssuerError {
    pub fn is_code(&self, wanted: &str) -> bool {
        matches!(self, Self::Rejected { code, .. } if code == wanted)
    }
}

impl fmt::Display for IssuerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Offline => f.write_str("offline"),
            Self::Unreachable => f.write_str("issuer unreachable"),
            Self::Unauthorized => f.write_str("issuer refused the membership token"),
            Self::Rejected { status, code } => write!(f, "issuer answered {status} {code}"),
            Self::Garbage => f.write_str("issuer answered something that is not a protocol answer"),
        }
    }
}

/// `body.link_tokens`: the tokens of memberships the wallet already holds at this same issuer, so
/// a brand of the same merchant group can share their points (an issuer without groups ignores
/// them); `referral_code` and `line_id_token` as the join came with them (protocol.md §4.3, §16).
pub async fn enroll(issuer: &IssuerUrl, body: &EnrollBody) -> Result<EnrollResponse, IssuerError> {
    let response: EnrollResponse = post_json(&issuer.endpoint("enroll"), None, body).await?;
    // A membership we cannot show or compute a code for is no membership.
    response.validate().map_err(|_| IssuerError::Garbage)?;
    Ok(response)
}

/// One sync round trip. The answer is checked against what was sent before it is returned.
pub async fn sync(
    issuer: &IssuerUrl,
    token: &str,
    request: &SyncRequest,
) -> Result<SyncResponse, IssuerError> {
    let response: SyncResponse = post_json(&issuer.endpoint("sync"), Some(token), request).await?;
    response
        .validate(&request.mutations)
        .map_err(|_| IssuerError::Garbage)?;
    Ok(response)
}

async fn post_json<Req: Serialize, Res: DeserializeOwned>(
    url: &str,
    bearer: Option<&str>,
    body: &Req,
) -> Result<Res, IssuerError> {
    let window = web_sys::window().ok_or(IssuerError::Unreachable)?;
    if !window.navigator().on_line() {
        return Err(IssuerError::Offline);
    }
    let body = serde_json::to_string(body).map_err(|_| IssuerError::Garbage)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    init.set_mode(web_sys::RequestMode::Cors);
    let headers = web_sys::Headers::new().map_err(|_| IssuerError::Unreachable)?;
    headers
        .set("content-type", "application/json")
        .map_err(|_| IssuerError::Unreachable)?;
    if let Some(token) = bearer {
        headers
            .set("authorization", &format!("Bearer {token}"))
            .map_err(|_| IssuerError::Unreachable)?;
    }
    init.set_headers(&headers);
    let abort = web_sys::AbortController::new().ok();
    if let Some(abort) = &abort {
        init.set_signal(Some(&abort.signal()));
    }
    let timeout = abort.as_ref().and_then(|abort| {
        let abort = abort.clone();
        let on_timeout = wasm_bindgen::closure::Closure::once_into_js(move || abort.abort());
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                on_timeout.unchecked_ref(),
                TIMEOUT_MS,
            )
            .ok()
    });

    let result = fetch_text(&window, url, &init).await;
    if let Some(handle) = timeout {
        window.clear_timeout_with_handle(handle);
    }
    let (status, text) = result?;
    if status == 401 && bearer.is_some() {
        return Err(IssuerError::Unauthorized);
    }
    if (200..300).contains(&status) {
        serde_json::from_str(&text).map_err(|_| IssuerError::Garbage)
    } else {
        let code = serde_json::from_str::<ErrorBody>(&text)
            .map(|body| body.error.code)
            .unwrap_or_else(|_| error_code::INTERNAL.to_owned());
        Err(IssuerError::Rejected { status, code })
    }
}

async fn fetch_text(
    window: &web_sys::Window,
    url: &str,
    init: &web_sys::RequestInit,
) -> Result<(u16, String), IssuerError> {
    let response = JsFuture::from(window.fetch_with_str_and_init(url, init))
        .await
        .map_err(|_| IssuerError::Unreachable)?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| IssuerError::Garbage)?;
    let declared_length = response
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|length| length.parse::<usize>().ok());
    if declared_length.is_some_and(|length| length > MAX_BODY_BYTES) {
        return Err(IssuerError::Garbage);
    }
    let text = response.text().map_err(|_| IssuerError::Garbage)?;
    let text = JsFuture::from(text)
        .await
        .map_err(|_| IssuerError::Unreachable)?
        .as_string()
        .ok_or(IssuerError::Garbage)?;
    if text.len() > MAX_BODY_BYTES {
        return Err(IssuerError::Garbage);
    }
    Ok((response.status(), text))
}
