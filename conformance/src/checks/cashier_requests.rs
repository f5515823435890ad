//! Request ids at the counter (protocol section 11.5): a purchase or an adjustment sent again gets
//! its stored answer, byte for byte, and changes nothing; the same id for another request is
//! refused. "Changes nothing" is read the way a wallet would see it: no change after the cursor.

use super::{ensure, CheckResult, Problem};
use crate::context::{expect_error, Context};
use crate::till::{accepted, replayed, TillMember};
use serde_json::json;
use wallet_core::cashier::{error_code, AdjustResponse, PurchaseResponse};
use wallet_core::loyalty::PointsBalanceData;
use wallet_core::sync::EntityKind;

const CLIENT: &str = "conformance-till";
/// The example purchase of section 11.2: above every demo merchant's minimum for a stamp.
pub const AMOUNT: i64 = 1280;

/// Nothing changed for `member` since `cursor`.
fn nothing_changed(
    context: &Context,
    member: &TillMember,
    cursor: &str,
    after: &str,
) -> CheckResult {
    let page = context.sync(&member.member, CLIENT, Some(cursor), &[])?;
    ensure(page.changes.is_empty() && !page.reset, || {
        let kinds: Vec<String> = page
            .changes
            .iter()
            .map(|c| format!("{} {}", c.kind, c.id))
            .collect();
        format!("{after} changed entities again: {kinds:?}")
    })
}

pub fn purchase_exactly_once(context: &Context) -> CheckResult {
    let till = context.till()?;
    let member = till.member()?;
    let request_id = till.request_id();
    let body = json!({ "payload": member.payload(0), "amount": AMOUNT, "request_id": request_id });
    let first = till.post("/v1/cashier/purchase", &body, &[])?;
    let answer: PurchaseResponse = accepted(&first, "a purchase")?;
    ensure(
        answer.request_id == request_id
            && answer.membership_id.as_str() == member.id()
            && answer.amount == AMOUNT,
        || {
            format!(
                "the answer is not about this purchase: {}",
                first.describe()
            )
        },
    )?;
    let cursor = context.pull_all(&member.member, CLIENT)?.cursor;

    let again = till.post("/v1/cashier/purchase", &body, &[])?;
    replayed(&again, &first, "the same purchase again")?;
    // A till that lost the answer resends with the member's newer code: the digits are not
    // compared (section 11.5), and the id goes in the header this time.
    let newer = json!({ "payload": member.payload(1), "amount": AMOUNT });
    let by_header = till.resend_with_header("/v1/cashier/purchase", &newer, &request_id)?;
    replayed(
        &by_header,
        &first,
        "the purchase resent with a newer code, id in Idempotency-Key",
    )?;
    nothing_changed(context, &member, &cursor, "resending the purchase")?;

    let other = till.purchase(&member.payload(1), AMOUNT + 1, &request_id)?;
    expect_error(&other, 409, error_code::REQUEST_ID_REUSED)
        .map_err(|e| format!("the same id for another amount: {e}"))?;
    Ok(())
}

pub fn adjust_exactly_once(context: &Context) -> CheckResult {
    let till = context.till()?;
    let member = till.member()?;
    let pull = context.pull_all(&member.member, CLIENT)?;
    let balance = pull
        .changes
        .iter()
        .find(|c| c.kind == EntityKind::PointsBalance);
    let Some(balance) = balance else {
        let reply = till.adjust(&member, json!({ "delta_points": 7 }), &till.request_id())?;
        expect_error(&reply, 409, error_code::POINTS_NOT_ENABLED)
            .map_err(|e| format!("no points_balance entity, so points must be not enabled: {e}"))?;
        return Err(Problem::Skip(
            "the merchant has no points program (points_not_enabled)".into(),
        ));
    };
    let before: PointsBalanceData =
        serde_json::from_value(balance.data.clone().unwrap_or_default())
            .map_err(|e| format!("points_balance data: {e}"))?;

    let request_id = till.request_id();
    let first = till.adjust(
        &member,
        json!({ "delta_points": 7, "note": "conformance" }),
        &request_id,
    )?;
    let answer: AdjustResponse = accepted(&first, "an adjustment of +7 points")?;
    ensure(answer.balance == Some(before.balance + 7), || {
        format!(
            "balance {} + 7 answered {:?}",
            before.balance, answer.balance
        )
    })?;
    let after = context.sync(&member.member, CLIENT, Some(&pull.cursor), &[])?;
    let again = till.adjust(
        &member,
        json!({ "delta_points": 7, "note": "another note" }),
        &request_id,
    )?;
    replayed(
        &again,
        &first,
        "the same adjustment again (the note is not compared)",
    )?;
    nothing_changed(context, &member, &after.cursor, "resending the adjustment")?;
    let other = till.adjust(&member, json!({ "delta_points": 8 }), &request_id)?;
    expect_error(&other, 409, error_code::REQUEST_ID_REUSED)
        .map_err(|e| format!("the same id for another delta: {e}"))?;

    let now = context.pull_all(&member.member, CLIENT)?;
    let data = now
        .changes
        .iter()
        .find(|c| c.kind == EntityKind::PointsBalance && c.id == balance.id)
        .and_then(|c| c.data.clone())
        .ok_or("the points_balance entity is gone")?;
    let data: PointsBalanceData =
        serde_json::from_value(data).map_err(|e| format!("points_balance data: {e}"))?;
    ensure(data.balance == before.balance + 7, || {
        format!(
            "after one adjustment sent three times the balance is {}, not {}",
            data.balance,
            before.balance + 7
        )
    })
}
