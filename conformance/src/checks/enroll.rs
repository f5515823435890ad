//! `POST /v1/enroll` (protocol section 4).

use super::{ensure, CheckResult};
use crate::context::{expect_error, Context};

pub fn grants_a_membership(context: &Context) -> CheckResult {
    let first = context.enroll()?;
    let second = context.enroll()?;
    ensure(first.id() != second.id(), || {
        format!("two enrolls gave the same membership id {}", first.id())
    })?;
    ensure(first.token() != second.token(), || {
        "two enrolls gave the same token".into()
    })
}

pub fn unknown_join_code(context: &Context) -> CheckResult {
    let body = r#"{"join_code":"CONFORMANCE-NO-SUCH-CODE-7Q"}"#;
    let reply = context.client.post("/v1/enroll", body.as_bytes(), None)?;
    Ok(expect_error(&reply, 404, "join_code_unknown")?)
}

pub fn bad_body(context: &Context) -> CheckResult {
    for body in ["not json", "{}", r#"{"join_code": 7}"#] {
        let reply = context.client.post("/v1/enroll", body.as_bytes(), None)?;
        expect_error(&reply, 400, "bad_request").map_err(|e| format!("body {body:?}: {e}"))?;
    }
    Ok(())
}
