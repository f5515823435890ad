//! The member code at the till (protocol sections 3.4, 5 and 8): the window of one step either
//! side, single use, expired against invalid, and the failed-attempt limit. Each check enrolls
//! its own member, whose last used step starts at nothing.

use super::{ensure, CheckResult, Problem};
use crate::context::expect_error;
use crate::till::accepted;
use wallet_core::protocol::{error_code, ScanResponse};

/// Failed attempts sent before the limit must have answered. The reference server's limit is 5
/// per membership; a limit above this is too weak to stop guessing (section 8).
const MAX_ATTEMPTS_BEFORE_LIMIT: usize = 20;

pub fn fresh_code_then_replay(context: &crate::context::Context) -> CheckResult {
    let till = context.till()?;
    let member = till.member()?;
    let payload = member.payload(0);
    let answer: ScanResponse = accepted(&till.scan(&payload)?, "a fresh code")?;
    ensure(answer.membership_id.as_str() == member.id(), || {
        format!(
            "the scan names membership {}, not {}",
            answer.membership_id,
            member.id()
        )
    })?;
    ensure(
        answer.member_since == member.member.enrolled.membership.member_since,
        || "member_since differs from the enroll answer's".into(),
    )?;
    let again = till.scan(&payload)?;
    expect_error(&again, 409, error_code::CODE_ALREADY_USED)
        .map_err(|e| format!("the same code again: {e}"))?;
    Ok(())
}

/// A code shown just before it rotated and scanned just after: accepted, once; a newer one after.
pub fn previous_step_once(context: &crate::context::Context) -> CheckResult {
    let till = context.till()?;
    let member = till.member()?;
    accepted::<ScanResponse>(&till.scan(&member.payload(-1))?, "the previous step's code")?;
    expect_error(
        &till.scan(&member.payload(-1))?,
        409,
        error_code::CODE_ALREADY_USED,
    )
    .map_err(|e| format!("the previous step's code again: {e}"))?;
    accepted::<ScanResponse>(&till.scan(&member.payload(0))?, "the current code after it")?;
    Ok(())
}

pub fn old_and_wrong_codes(context: &crate::context::Context) -> CheckResult {
    let till = context.till()?;
    let member = till.member()?;
    expect_error(
        &till.scan(&member.payload(-4))?,
        422,
        error_code::CODE_EXPIRED,
    )
    .map_err(|e| format!("the code of 4 steps ago: {e}"))?;
    expect_error(
        &till.scan(&member.wrong_payload())?,
        422,
        error_code::CODE_INVALID,
    )
    .map_err(|e| format!("a wrong code: {e}"))?;
    // Refused codes use nothing up: the current one still works.
    accepted::<ScanResponse>(
        &till.scan(&member.payload(0))?,
        "the current code after refusals",
    )?;
    Ok(())
}

pub fn refusals(context: &crate::context::Context) -> CheckResult {
    let till = context.till()?;
    let member = till.member()?;
    let body = serde_json::json!({ "payload": member.payload(0) }).to_string();
    let no_key = context
        .client
        .post("/v1/cashier/scan", body.as_bytes(), None)?;
    expect_error(&no_key, 401, error_code::UNAUTHORIZED).map_err(|e| format!("no key: {e}"))?;
    let wrong_key = context.client.post(
        "/v1/cashier/scan",
        body.as_bytes(),
        Some("conformance-not-a-cashier-key"),
    )?;
    expect_error(&wrong_key, 401, error_code::UNAUTHORIZED)
        .map_err(|e| format!("a wrong key: {e}"))?;
    for payload in [
        "hello",
        "https://example.com/",
        "MW2:7K3D9QX2M4PA:492039",
        "MW1:7K3D9QX2M4PA:12345",
    ] {
        expect_error(&till.scan(payload)?, 400, error_code::MEMBER_CODE_MALFORMED)
            .map_err(|e| format!("payload {payload:?}: {e}"))?;
    }
    // A member of nobody (60 random bits make a clash unthinkable): unknown, not forbidden.
    let nobody = format!("MW1:0C0NF0RMANC3:{}", member.code(0));
    expect_error(&till.scan(&nobody)?, 404, error_code::MEMBERSHIP_UNKNOWN)
        .map_err(|e| format!("payload {nobody:?}: {e}"))?;
    // The typed form of section 3.2, grouped and in lower case.
    let typed = format!(
        "{} {}",
        member.member.enrolled.membership.id.grouped(),
        member.code(0)
    )
    .to_ascii_lowercase();
    accepted::<ScanResponse>(&till.scan(&typed)?, &format!("the typed form {typed:?}"))?;
    Ok(())
}

/// Wrong codes until `429 rate_limited` with `Retry-After`; then even the right code waits.
pub fn failed_attempt_limit(context: &crate::context::Context) -> CheckResult {
    let till = context.till()?;
    let member = till.member()?;
    let wrong = member.wrong_payload();
    for attempt in 1..=MAX_ATTEMPTS_BEFORE_LIMIT {
        let reply = till.scan(&wrong)?;
        if reply.status == 429 {
            expect_error(&reply, 429, error_code::RATE_LIMITED)?;
            let wait = reply
                .header("retry-after")
                .and_then(|v| v.trim().parse::<u64>().ok());
            ensure(wait.is_some_and(|secs| secs >= 1), || {
                format!(
                    "a 429 needs Retry-After in whole seconds, got {:?}",
                    reply.header("retry-after")
                )
            })?;
            let right = till.scan(&member.payload(0))?;
            return expect_error(&right, 429, error_code::RATE_LIMITED)
                .map_err(|e| {
                    Problem::Fail(format!(
                        "over the limit (after {attempt} attempts), a correct code must be refused too: {e}"
                    ))
                });
        }
        expect_error(&reply, 422, error_code::CODE_INVALID)
            .map_err(|e| format!("wrong code, attempt {attempt}: {e}"))?;
    }
    Err(Problem::Fail(format!(
        "{MAX_ATTEMPTS_BEFORE_LIMIT} wrong codes for one membership and no 429: failed attempts must be limited"
    )))
}
