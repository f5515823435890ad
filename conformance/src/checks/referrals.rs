//! Referrals (protocol section 16): a member's `referral` entity carries a valid code; a friend
//! enrolling with it gets a `referral` status; the member's own code (its token in `link_tokens`)
//! is `409 referral_self`, an unknown one `404 referral_code_unknown`. An issuer without referrals
//! (no `referral` entity) is a skip. And the enroll's `line_id_token` (section 4.3), which an
//! issuer checks or ignores.

use super::{ensure, CheckResult, Problem};
use crate::context::{expect_error, Context, Member};
use serde_json::json;
use wallet_core::protocol::EnrollResponse;
use wallet_core::referral::ReferralData;
use wallet_core::sync::EntityKind;

const CLIENT: &str = "conformance-referrals";

fn referral_of(context: &Context, member: &Member) -> Result<ReferralData, Problem> {
    let pull = context.pull_all(member, CLIENT)?;
    let change = pull
        .changes
        .iter()
        .find(|c| c.kind == EntityKind::Referral && c.id == member.id())
        .ok_or_else(|| Problem::Skip("no referral entity: this issuer has no referrals".into()))?;
    let data: ReferralData = serde_json::from_value(change.data.clone().unwrap_or_default())
        .map_err(|e| format!("the referral entity: {e}"))?;
    ensure(data.validate(), || {
        format!("a wallet refuses the referral entity: {data:?}")
    })?;
    Ok(data)
}

pub fn friend_joins(context: &Context) -> CheckResult {
    let referrer = context.enroll()?;
    let data = referral_of(context, &referrer)?;
    let body =
        json!({ "join_code": context.config.join_code, "referral_code": data.code.as_str() });
    let reply = context
        .client
        .post("/v1/enroll", body.to_string().as_bytes(), None)?;
    ensure(reply.status == 200, || {
        format!("a friend enrolling with the code: {}", reply.describe())
    })?;
    let enrolled: EnrollResponse = serde_json::from_str(&reply.body)
        .map_err(|e| format!("not an enroll response ({e}): {}", reply.describe()))?;
    ensure(enrolled.referral.is_some(), || {
        format!("no referral status in the answer: {}", reply.describe())
    })
}

pub fn refusals(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let data = referral_of(context, &member)?;
    let own = json!({ "join_code": context.config.join_code, "referral_code": data.code.as_str(),
                      "link_tokens": [member.token()] });
    let reply = context
        .client
        .post("/v1/enroll", own.to_string().as_bytes(), None)?;
    expect_error(&reply, 409, "referral_self").map_err(|e| format!("one's own code: {e}"))?;
    let unknown = json!({ "join_code": context.config.join_code, "referral_code": "not-a-code" });
    let reply = context
        .client
        .post("/v1/enroll", unknown.to_string().as_bytes(), None)?;
    Ok(expect_error(&reply, 404, "referral_code_unknown").map_err(|e| format!("unknown: {e}"))?)
}

/// Section 4.3: a `line_id_token` that is no token is refused `422 line_id_token_invalid` by an
/// issuer with LINE, ignored by one without (`200`), or `503 line_unavailable`; never anything else.
pub fn line_token_is_checked_or_ignored(context: &Context) -> CheckResult {
    let body = json!({ "join_code": context.config.join_code, "line_id_token": "conformance-not-a-token" });
    let reply = context
        .client
        .post("/v1/enroll", body.to_string().as_bytes(), None)?;
    match reply.status {
        200 => Ok(()),
        422 => Ok(expect_error(&reply, 422, "line_id_token_invalid")?),
        503 => Ok(expect_error(&reply, 503, "line_unavailable")?),
        _ => Err(Problem::Fail(format!(
            "a line_id_token that is no token: {}",
            reply.describe()
        ))),
    }
}
