//! Pulling changes: snapshot, cursor, reset, the envelope (protocol section 9).

use super::{ensure, CheckResult};
use crate::context::{membership_data, Context};
use serde_json::Value;
use wallet_core::sync::{EntityKind, MembershipData};

const CLIENT: &str = "conformance-pull";

pub fn first_sync_is_a_snapshot(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let first = context.sync(&member, CLIENT, None, &[])?;
    ensure(first.reset, || {
        "no cursor was sent, but reset is false".into()
    })?;
    ensure(first.results.is_empty(), || {
        "results for a request without mutations".into()
    })?;
    ensure(first.last_processed_seq == 0, || {
        format!(
            "a new client's last_processed_seq is {}",
            first.last_processed_seq
        )
    })?;
    let data = membership_data(&first.changes, &member)?;
    let expected = MembershipData {
        merchant_id: member.enrolled.merchant.id.clone(),
        member_since: member.enrolled.membership.member_since,
        display_name: None,
    };
    ensure(data == expected, || {
        format!("membership data {data:?}, expected {expected:?}")
    })?;
    let merchant = first
        .changes
        .iter()
        .find(|c| c.kind == EntityKind::Merchant && c.id == member.enrolled.merchant.id)
        .ok_or_else(|| format!("no merchant entity with id {}", member.enrolled.merchant.id))?;
    let expected = serde_json::to_value(&member.enrolled.merchant).unwrap_or(Value::Null);
    ensure(merchant.data.as_ref() == Some(&expected), || {
        format!(
            "merchant data {:?}, expected the enroll response's {expected}",
            merchant.data
        )
    })
}

/// Types as the spec writes them, on the raw JSON (serde would forgive a missing `more`).
pub fn wire_shape(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let reply = context.sync_reply(member.token(), CLIENT, None, &[context.rename(1, "Wire")])?;
    ensure(reply.status == 200, || reply.describe())?;
    let content_type = reply.header("content-type").unwrap_or_default();
    ensure(content_type.starts_with("application/json"), || {
        format!("content-type {content_type:?}")
    })?;
    let body: Value = serde_json::from_str(&reply.body).map_err(|e| format!("not JSON: {e}"))?;
    let field = |name: &str, ok: fn(&Value) -> bool| -> CheckResult {
        ensure(body.get(name).is_some_and(ok), || {
            format!("field {name} is {:?}", body.get(name))
        })
    };
    field("results", Value::is_array)?;
    field("last_processed_seq", Value::is_u64)?;
    field("changes", Value::is_array)?;
    field("cursor", |v| {
        v.as_str().is_some_and(|s| !s.is_empty() && s.len() <= 128)
    })?;
    field("more", Value::is_boolean)?;
    field("reset", Value::is_boolean)?;
    let result = &body["results"][0];
    ensure(
        result["seq"] == 1 && result["id"].is_string() && result["status"] == "applied",
        || format!("result {result}"),
    )?;
    for change in body["changes"].as_array().into_iter().flatten() {
        let envelope = change["kind"].is_string()
            && change["id"]
                .as_str()
                .is_some_and(|id| !id.is_empty() && id.len() <= 128)
            && change["version"].as_u64().is_some_and(|v| v >= 1)
            && change["deleted"].is_boolean()
            && (change["deleted"] == true || change["data"].is_object());
        ensure(envelope, || format!("change envelope {change}"))?;
    }
    Ok(())
}

pub fn cursor_is_incremental(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let first = context.sync(&member, CLIENT, None, &[])?;
    let again = context.sync(&member, CLIENT, Some(&first.cursor), &[])?;
    ensure(!again.reset, || {
        "a cursor just given out was answered with reset".into()
    })?;
    ensure(again.changes.is_empty(), || {
        format!("nothing changed, yet {} changes came", again.changes.len())
    })?;
    ensure(!again.more, || "nothing changed, yet more: true".into())?;
    // The cursor of an empty page is as good as the one before.
    let third = context.sync(&member, CLIENT, Some(&again.cursor), &[])?;
    ensure(!third.reset && third.changes.is_empty(), || {
        "the cursor of an empty page was not understood".into()
    })
}

pub fn unknown_cursor_resets(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    context.sync(&member, CLIENT, None, &[context.rename(1, "Reset")])?;
    for cursor in ["conformance-not-a-cursor", "0", "v:99999999999"] {
        let answer = context.sync(&member, CLIENT, Some(cursor), &[])?;
        ensure(answer.reset, || {
            format!("cursor {cursor:?}: reset is false")
        })?;
        let data = membership_data(&answer.changes, &member)
            .map_err(|e| format!("cursor {cursor:?}: not a full snapshot: {e}"))?;
        ensure(data.display_name.as_deref() == Some("Reset"), || {
            format!(
                "cursor {cursor:?}: snapshot shows display_name {:?}",
                data.display_name
            )
        })?;
        ensure(
            answer
                .changes
                .iter()
                .any(|c| c.kind == EntityKind::Merchant),
            || format!("cursor {cursor:?}: the snapshot lacks the merchant"),
        )?;
    }
    Ok(())
}

pub fn memberships_are_separate(context: &Context) -> CheckResult {
    let alice = context.enroll()?;
    let bob = context.enroll()?;
    context.sync(&alice, CLIENT, None, &[context.rename(1, "Alice")])?;
    let bobs = context.pull_all(&bob, CLIENT)?;
    if let Some(foreign) = bobs
        .changes
        .iter()
        .find(|c| c.kind == EntityKind::Membership && c.id != bob.id())
    {
        return Err(format!("bob's pull holds membership {}", foreign.id).into());
    }
    let data = membership_data(&bobs.changes, &bob)?;
    ensure(data.display_name.is_none(), || {
        format!(
            "bob's display name is {:?}: alice's mutation reached him",
            data.display_name
        )
    })
}
