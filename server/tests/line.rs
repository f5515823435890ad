//! LINE ID tokens at enroll (protocol.md §4.3) against a verifier on loopback that answers like
//! LINE's `POST /oauth2/v2.1/verify` and signs its tokens with a key this test controls: a valid
//! token links the LINE user to the membership; a forged, expired or other channel's token is
//! refused and stores nothing; LINE unreachable is 503; a profile the wallet sends is ignored;
//! the same LINE user cannot refer themselves.

mod common;

use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use common::till::*;
use common::TestApp;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Arc;
use wallet_core::referral::ReferralData;
use wallet_core::sync::EntityKind;
use wallet_server::http::line_id::{LineVerifyEndpoint, LINE_ISSUER};

const CHANNEL: &str = "1650000000";
const KEY: &[u8] = b"the test's own signing key";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn signature(payload: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(KEY).expect("any key length");
    mac.update(payload.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// A token of the test's verifier: the claims in hex, a dot, their HMAC.
fn token(sub: &str, aud: &str, exp: i64) -> String {
    let claims = json!({ "iss": LINE_ISSUER, "sub": sub, "aud": aud, "exp": exp }).to_string();
    let payload = hex(claims.as_bytes());
    format!("{payload}.{}", signature(&payload))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// What LINE's endpoint does: the signature, the channel and the expiry, answered as LINE does.
async fn verify(body: String) -> (StatusCode, Json<Value>) {
    // application/x-www-form-urlencoded; the test's values need no escapes but `%2E` may occur.
    let form: HashMap<String, String> = body
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.replace("%2E", ".").replace("%2e", ".")))
        .collect();
    let refuse = |why: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "invalid_request", "error_description": why })),
        )
    };
    let (Some(id_token), Some(client_id)) = (form.get("id_token"), form.get("client_id")) else {
        return refuse("id_token and client_id are required");
    };
    let Some((payload, sig)) = id_token.split_once('.') else {
        return refuse("Invalid IdToken.");
    };
    if signature(payload) != sig {
        return refuse("Invalid IdToken Signature.");
    }
    let claims: Value = unhex(payload)
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    if claims["aud"] != client_id.as_str() {
        return refuse("Invalid IdToken Audience.");
    }
    let now = real_now();
    if claims["exp"].as_i64().is_none_or(|exp| exp <= now) {
        return refuse("IdToken expired.");
    }
    let mut answer = claims;
    answer["iat"] = json!(now - 60);
    answer["name"] = json!("LINE's name for the user");
    (StatusCode::OK, Json(answer))
}

/// The verifier on a loopback port; the server under test asks it.
async fn start_verifier() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = Router::new().route("/oauth2/v2.1/verify", post(verify));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/oauth2/v2.1/verify")
}

async fn app_verifying_at(url: String) -> TestApp {
    TestApp::with_state(|state| {
        state.with_line_verifier(Arc::new(LineVerifyEndpoint {
            url,
            channel_id: CHANNEL.into(),
        }))
    })
    .await
}

/// LINE's clock is the real one, not the test's manual clock.
fn real_now() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

fn later() -> i64 {
    real_now() + 3600
}

async fn line_user_of(app: &TestApp, membership_id: &str) -> Option<String> {
    sqlx::query_scalar("SELECT line_user_id FROM memberships WHERE id = $1")
        .bind(membership_id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verified_token_links_the_line_user_and_nothing_else_is_trusted() {
    let app = app_verifying_at(start_verifier().await).await;
    let before = count(&app, "SELECT COUNT(*) FROM memberships").await;
    let refused = [
        ("forged", {
            let good = token("Uforged", CHANNEL, later());
            format!("{}0.{}", &good[..good.len() / 2], "00")
        }),
        ("expired", token("Uexpired", CHANNEL, 1_000)),
        ("another channel", token("Uother", "999", later())),
        ("not a token", "hello".into()),
    ];
    for (what, id_token) in refused {
        let body = json!({ "join_code": "CAFE", "line_id_token": id_token });
        let response = app.post("/v1/enroll", &body.to_string(), None).await;
        let message =
            response.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "line_id_token_invalid");
        assert!(!message.is_empty(), "{what}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM memberships").await,
        before
    );

    // A valid token, and a profile the wallet made up beside it: only LINE's `sub` is kept.
    let body = json!({
        "join_code": "CAFE",
        "line_id_token": token("U4af4980629", CHANNEL, later()),
        "display_name": "Not from LINE",
        "line_profile": { "userId": "Uspoofed", "displayName": "Spoofed" },
    });
    let response = app.post("/v1/enroll", &body.to_string(), None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let member = common::member_from(response.json_as());
    assert_eq!(
        line_user_of(&app, member.id()).await.as_deref(),
        Some("U4af4980629")
    );
    let copy = snapshot(&app, &member).await;
    let (_, membership): (String, Value) = copy.one(EntityKind::Membership);
    assert_eq!(membership["display_name"], Value::Null);

    // Without a token: no LINE user.
    let plain = app.enroll("CAFE").await;
    assert_eq!(line_user_of(&app, plain.id()).await, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_line_user_cannot_refer_themselves_from_another_phone() {
    let app = app_verifying_at(start_verifier().await).await;
    let sub = "U1111aaaa";
    let body = json!({ "join_code": "BOOKS", "line_id_token": token(sub, CHANNEL, later()) });
    let response = app.post("/v1/enroll", &body.to_string(), None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let a = common::member_from(response.json_as());
    let (_, data): (String, ReferralData) = snapshot(&app, &a).await.one(EntityKind::Referral);
    // Another phone: no tokens of this wallet, but the same LINE user.
    let body = json!({ "join_code": "BOOKS", "referral_code": data.code.as_str(),
                       "line_id_token": token(sub, CHANNEL, later()) });
    app.post("/v1/enroll", &body.to_string(), None)
        .await
        .assert_error(StatusCode::CONFLICT, "referral_self");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn line_unreachable_is_503_and_stores_nothing() {
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/oauth2/v2.1/verify", closed.local_addr().unwrap());
    drop(closed);
    let app = app_verifying_at(url).await;
    let before = count(&app, "SELECT COUNT(*) FROM memberships").await;
    let body = json!({ "join_code": "CAFE", "line_id_token": token("U1", CHANNEL, later()) });
    app.post("/v1/enroll", &body.to_string(), None)
        .await
        .assert_error(StatusCode::SERVICE_UNAVAILABLE, "line_unavailable");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM memberships").await,
        before
    );
}

#[tokio::test]
async fn without_a_line_channel_the_token_is_ignored() {
    let app = TestApp::start().await;
    let body = json!({ "join_code": "CAFE", "line_id_token": "anything" });
    let response = app.post("/v1/enroll", &body.to_string(), None).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
}

#[tokio::test]
async fn the_liff_id_is_served_to_the_wallet_only_when_configured() {
    let app = TestApp::with_state(|state| state.with_liff_id(Some("1650000000-AbCd1234"))).await;
    let response = app.get("/liff-config.json", &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.json(), json!({ "liff_id": "1650000000-AbCd1234" }));
    assert_eq!(response.headers["cache-control"], "no-cache");

    // Unset: the path is an ordinary one (a file of dist/, else the app), never a LIFF id.
    let app = TestApp::start().await;
    let response = app.get("/liff-config.json", &[]).await;
    assert!(!response.text().contains("liff_id"), "{}", response.text());
}
