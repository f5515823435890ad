//! Claim codes (protocol section 15): staff create one, a member claims it with `claim.redeem`
//! and gets it in the same sync's changes, and the code is claimed once across all members. Stamps
//! codes when the merchant has a stamp card; otherwise a skip.

use super::{ensure, CheckResult, Problem};
use crate::context::{expect_error, Context};
use crate::till::accepted;
use serde_json::json;
use wallet_core::claim::claim_redeem::{self, rejection};
use wallet_core::claim::{ClaimData, ClaimGift, CreatedClaimCodes};
use wallet_core::sync::{EntityKind, MutationOutcome};

const CLIENT: &str = "conformance-claims";

pub fn claimed_once(context: &Context) -> CheckResult {
    let till = context.till()?;
    let body = json!({
        "gift": {"type": "stamps", "stamps": 1},
        "count": 1,
        "valid_days": 1,
        "title": {"zh-TW": "加碼集點", "en": "A bonus stamp"},
    });
    let reply = till.post("/v1/cashier/claim-codes", &body, &[])?;
    if reply.status == 409 {
        return Err(Problem::Skip(format!(
            "the merchant gives no stamps: {}",
            reply.describe()
        )));
    }
    let created: CreatedClaimCodes = accepted(&reply, "claim codes created")?;
    let code = created
        .codes
        .first()
        .ok_or("a request for 1 code answered none")?
        .code
        .clone();

    let first = till.member()?;
    let claim = context.mutation(1, claim_redeem::NAME, json!({ "code": code.as_str() }));
    let answer = context.sync(&first.member, CLIENT, None, std::slice::from_ref(&claim))?;
    ensure(
        answer.results[0].outcome == MutationOutcome::Applied,
        || {
            format!(
                "claim.redeem of a new code: {:?}",
                answer.results[0].outcome
            )
        },
    )?;
    let entity = answer
        .changes
        .iter()
        .find(|c| c.kind == EntityKind::Claim && c.id == code.as_str())
        .ok_or("the claim entity did not arrive in the same answer")?;
    let data: ClaimData = serde_json::from_value(entity.data.clone().unwrap_or_default())
        .map_err(|e| format!("the claim entity: {e}"))?;
    ensure(
        data.validate() && data.gift == ClaimGift::Stamps { stamps: 1 },
        || format!("the claim entity is not what was claimed: {data:?}"),
    )?;

    let second = till.member()?;
    let again = context.mutation(1, claim_redeem::NAME, json!({ "code": code.as_str() }));
    let answer = context.sync(&second.member, CLIENT, None, std::slice::from_ref(&again))?;
    ensure(
        matches!(&answer.results[0].outcome,
            MutationOutcome::Rejected { code, .. } if code == rejection::CLAIM_USED),
        || {
            format!(
                "another member claiming the same code: {:?}",
                answer.results[0].outcome
            )
        },
    )
}

pub fn refusals(context: &Context) -> CheckResult {
    let till = context.till()?;
    let member = till.member()?;
    let unknown = context.mutation(1, claim_redeem::NAME, json!({ "code": "K7Q2M4PA9X3D" }));
    let answer = context.sync(&member.member, CLIENT, None, std::slice::from_ref(&unknown))?;
    ensure(
        matches!(&answer.results[0].outcome,
            MutationOutcome::Rejected { code, .. } if code == rejection::CLAIM_UNKNOWN),
        || format!("an unknown code: {:?}", answer.results[0].outcome),
    )?;
    let body = json!({"gift": {"type": "stamps", "stamps": 1}, "count": 0, "valid_days": 1,
                      "title": {"zh-TW": "x", "en": "x"}});
    let reply = till.post("/v1/cashier/claim-codes", &body, &[])?;
    expect_error(&reply, 400, "bad_request").map_err(|e| format!("count 0: {e}"))?;
    let reply =
        context
            .client
            .post("/v1/cashier/claim-codes", body.to_string().as_bytes(), None)?;
    Ok(expect_error(&reply, 401, "unauthorized").map_err(|e| format!("no key: {e}"))?)
}
