//! Authentication, malformed requests and limits (protocol sections 6, 8 and 9).

use super::CheckResult;
use crate::context::{expect_error, Context};
use serde_json::json;

const CLIENT: &str = "conformance-errors";

pub fn missing_token(context: &Context) -> CheckResult {
    let body = Context::sync_body(CLIENT, None, &[]);
    let reply = context.client.post("/v1/sync", body.as_bytes(), None)?;
    Ok(expect_error(&reply, 401, "unauthorized")?)
}

pub fn unknown_token(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let body = Context::sync_body(CLIENT, None, &[context.rename(1, "x")]);
    for token in [
        "mwt_conformance_not_a_token",
        &format!("{}x", member.token()),
    ] {
        let reply = context
            .client
            .post("/v1/sync", body.as_bytes(), Some(token))?;
        expect_error(&reply, 401, "unauthorized")?;
    }
    // Not the bearer scheme.
    let reply = context.client.post_with(
        "/v1/sync",
        body.as_bytes(),
        None,
        Some("application/json"),
        &[("authorization", &format!("Basic {}", member.token()))],
    )?;
    expect_error(&reply, 401, "unauthorized").map_err(|e| format!("Basic scheme: {e}"))?;
    Ok(())
}

pub fn not_contiguous(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let batches = [
        vec![context.rename(1, "a"), context.rename(3, "b")],
        vec![context.rename(2, "a"), context.rename(1, "b")],
        vec![context.rename(1, "a"), context.rename(1, "a")],
        vec![context.rename(0, "a")],
    ];
    for batch in &batches {
        let reply = context.sync_reply(member.token(), CLIENT, None, batch)?;
        let seqs: Vec<u64> = batch.iter().map(|m| m.seq).collect();
        expect_error(&reply, 400, "bad_request").map_err(|e| format!("seqs {seqs:?}: {e}"))?;
    }
    let applied = crate::context::display_name_now(context, &member)?;
    super::ensure(applied.is_none(), || {
        format!("a refused request applied something: {applied:?}")
    })
}

pub fn too_many_mutations(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let batch: Vec<_> = (1..=101).map(|seq| context.rename(seq, "n")).collect();
    let reply = context.sync_reply(member.token(), CLIENT, None, &batch)?;
    expect_error(&reply, 400, "bad_request").map_err(|e| format!("101 mutations: {e}"))?;
    let answer = context
        .sync(&member, CLIENT, None, &batch[..100])
        .map_err(|e| format!("100 mutations: {e}"))?;
    super::ensure(answer.last_processed_seq == 100, || {
        format!(
            "100 mutations: last_processed_seq {}",
            answer.last_processed_seq
        )
    })
}

pub fn body_too_large(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    // A sync padded with a field issuers ignore (section 9.2) to exactly `len` bytes.
    let padded = |len: usize| {
        let empty = json!({ "client_id": CLIENT, "padding": "" }).to_string();
        let padding = "p".repeat(len.saturating_sub(empty.len()));
        json!({ "client_id": CLIENT, "padding": padding }).to_string()
    };
    let over = padded(crate::LIMIT_BODY_BYTES + 1);
    let reply = context
        .client
        .post("/v1/sync", over.as_bytes(), Some(member.token()))?;
    expect_error(&reply, 413, "bad_request")
        .map_err(|e| format!("a body of {} bytes: {e}", over.len()))?;
    let exact = padded(crate::LIMIT_BODY_BYTES);
    let reply = context
        .client
        .post("/v1/sync", exact.as_bytes(), Some(member.token()))?;
    super::ensure(reply.status == 200, || {
        format!(
            "a body of exactly {} bytes must be accepted: {}",
            exact.len(),
            reply.describe()
        )
    })
}

pub fn malformed_body(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let token = Some(member.token());
    let bodies = [
        "not json".to_owned(),
        "{}".to_owned(),
        json!({ "client_id": CLIENT, "cursor": 5 }).to_string(),
        json!({ "client_id": CLIENT, "mutations": [{ "seq": 1 }] }).to_string(),
        json!({ "client_id": "" }).to_string(),
    ];
    for body in &bodies {
        let reply = context.client.post("/v1/sync", body.as_bytes(), token)?;
        expect_error(&reply, 400, "bad_request").map_err(|e| format!("body {body}: {e}"))?;
    }
    let body = Context::sync_body(CLIENT, None, &[]);
    let reply =
        context
            .client
            .post_with("/v1/sync", body.as_bytes(), token, Some("text/plain"), &[])?;
    expect_error(&reply, 415, "bad_request").map_err(|e| format!("text/plain: {e}"))?;
    Ok(())
}

pub fn unknown_endpoint(context: &Context) -> CheckResult {
    let reply = context
        .client
        .post("/v1/conformance-no-such-endpoint", b"{}", None)?;
    Ok(expect_error(&reply, 404, "not_found")?)
}

pub fn wrong_method(context: &Context) -> CheckResult {
    let reply = context.client.get("/v1/sync")?;
    expect_error(&reply, 405, "bad_request")?;
    let allow = reply
        .header("allow")
        .unwrap_or_default()
        .to_ascii_uppercase();
    super::ensure(allow.split(',').any(|m| m.trim() == "POST"), || {
        format!("a 405 must say Allow: POST, it says {allow:?}")
    })
}

/// Section 9.11: a v1 issuer answers `/v2/...` with the JSON 404 and CORS, which a wallet on
/// another origin reads as "v1 only".
pub fn v2_is_not_found(context: &Context) -> CheckResult {
    let origin = [("origin", "https://wallet.conformance.example")];
    let body = Context::sync_body(CLIENT, None, &[]);
    let reply = context.client.post_with(
        "/v2/sync",
        body.as_bytes(),
        None,
        Some("application/json"),
        &origin,
    )?;
    expect_error(&reply, 404, "not_found").map_err(|e| format!("POST /v2/sync: {e}"))?;
    super::ensure(
        reply.header("access-control-allow-origin").is_some(),
        || "the 404 of /v2/sync has no Access-Control-Allow-Origin: a wallet cannot read it".into(),
    )
}
