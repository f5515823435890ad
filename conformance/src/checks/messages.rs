//! The inbox and leaving (protocol sections 13.4, 13.6 and 9.13): `message.read` marks a message
//! of the member's own read and refuses any other id; `membership.leave` ends the token.

use super::{ensure, CheckResult, Problem};
use crate::context::{expect_error, Context};
use serde_json::json;
use wallet_core::message::{message_read, MessageData};
use wallet_core::sync::{membership_leave, EntityKind, MutationOutcome};

const CLIENT: &str = "conformance-messages";

pub fn read_unknown_is_refused(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let read = context.mutation(
        1,
        message_read::NAME,
        json!({ "message_id": "conformance-no-such-message" }),
    );
    let answer = context.sync(&member, CLIENT, None, std::slice::from_ref(&read))?;
    let outcome = &answer.results[0].outcome;
    ensure(
        matches!(outcome, MutationOutcome::Rejected { code, .. } if code == message_read::MESSAGE_UNKNOWN),
        || format!("message.read of an id no message has: {outcome:?}"),
    )
}

pub fn read_marks_read(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let pull = context.pull_all(&member, CLIENT)?;
    let Some(message) = pull.changes.iter().find(|c| c.kind == EntityKind::Message) else {
        return Err(Problem::Skip(
            "a new member has no message to read (no welcome message)".into(),
        ));
    };
    let read = context.mutation(1, message_read::NAME, json!({ "message_id": message.id }));
    let answer = context.sync(
        &member,
        CLIENT,
        Some(&pull.cursor),
        std::slice::from_ref(&read),
    )?;
    ensure(
        answer.results[0].outcome == MutationOutcome::Applied,
        || {
            format!(
                "message.read of the member's own message: {:?}",
                answer.results[0].outcome
            )
        },
    )?;
    let changed = answer
        .changes
        .iter()
        .find(|c| c.kind == EntityKind::Message && c.id == message.id)
        .ok_or("the read message did not come back in the same answer's changes")?;
    let data: MessageData = serde_json::from_value(changed.data.clone().unwrap_or_default())
        .map_err(|e| format!("the read message entity: {e}"))?;
    ensure(data.validate() && data.read_at.is_some(), || {
        format!("the read message has no read_at: {data:?}")
    })
}

pub fn leave_ends_the_token(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let leave = context.mutation(1, membership_leave::NAME, json!({}));
    let answer = context.sync(&member, CLIENT, None, std::slice::from_ref(&leave))?;
    ensure(
        answer.results[0].outcome == MutationOutcome::Applied,
        || format!("membership.leave: {:?}", answer.results[0].outcome),
    )?;
    let reply = context.sync_reply(member.token(), CLIENT, None, &[])?;
    Ok(expect_error(&reply, 401, "unauthorized")?)
}
