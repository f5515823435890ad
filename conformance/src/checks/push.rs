//! Pushing mutations: exactly once, in order, final answers (protocol section 9).

use super::{ensure, CheckResult, Problem};
use crate::context::{display_name_now, expect_error, membership_data, Context};
use serde_json::json;
use wallet_core::sync::{Mutation, MutationOutcome, SyncResponse};

const CLIENT: &str = "conformance-push";

fn rejected_with(answer: &SyncResponse, index: usize, code: &str) -> CheckResult {
    match &answer.results[index].outcome {
        MutationOutcome::Rejected { code: got, message } if got == code => {
            ensure(!message.trim().is_empty(), || {
                "a rejection without a message".into()
            })
        }
        other => Err(Problem::Fail(format!(
            "seq {}: expected rejected {code}, got {other:?}",
            answer.results[index].seq
        ))),
    }
}

fn applied(answer: &SyncResponse) -> CheckResult {
    match answer
        .results
        .iter()
        .find(|r| r.outcome != MutationOutcome::Applied)
    {
        None => Ok(()),
        Some(r) => Err(Problem::Fail(format!(
            "seq {} was not applied: {:?}",
            r.seq, r.outcome
        ))),
    }
}

fn name_is(context: &Context, member: &crate::context::Member, name: &str) -> CheckResult {
    let now = display_name_now(context, member)?;
    ensure(now.as_deref() == Some(name), || {
        format!("display_name is {now:?}, expected {name:?}")
    })
}

pub fn push_then_pull(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let first = context.sync(&member, CLIENT, None, &[])?;
    let before = first.changes.iter().map(|c| c.version).max().unwrap_or(0);
    let answer = context.sync(
        &member,
        CLIENT,
        Some(&first.cursor),
        &[context.rename(1, " 小明 ")],
    )?;
    applied(&answer)?;
    ensure(!answer.reset, || {
        "a known cursor was answered with reset".into()
    })?;
    let data = membership_data(&answer.changes, &member)
        .map_err(|e| format!("the same round trip must return the mutation's effect: {e}"))?;
    ensure(data.display_name.as_deref() == Some("小明"), || {
        format!(
            "display_name {:?}, expected \"小明\" (trimmed)",
            data.display_name
        )
    })?;
    let version = answer.changes.iter().map(|c| c.version).max().unwrap_or(0);
    ensure(version > before, || {
        format!("the new version {version} is not above {before}")
    })
}

pub fn resend_gets_stored_result(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let first = context.sync(&member, CLIENT, None, &[])?;
    let one = context.rename(1, "Amy");
    let two = context.rename(2, "Bo");
    // The answer to seq 1 was "lost": the wallet still holds it and sends it with seq 2 (a
    // wallet never sends a seq again once it has an answer covering it, section 9.4).
    let answered_one = context.sync(
        &member,
        CLIENT,
        Some(&first.cursor),
        std::slice::from_ref(&one),
    )?;
    let both = [one, two];
    let answered_two = context.sync(&member, CLIENT, Some(&answered_one.cursor), &both)?;
    applied(&answered_two)?;

    // That answer was lost too: the wallet sends the same mutations again.
    let resent = context.sync(&member, CLIENT, Some(&answered_two.cursor), &both)?;
    applied(&resent)?;
    ensure(resent.changes.is_empty(), || {
        format!(
            "a resend changed {} entities: it was applied again (version {:?})",
            resent.changes.len(),
            resent.changes.iter().map(|c| c.version).collect::<Vec<_>>()
        )
    })?;
    name_is(context, &member, "Bo")
}

pub fn resend_alone(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let one = context.rename(1, "Cy");
    context.sync(
        &member,
        CLIENT,
        None,
        &[one.clone(), context.rename(2, "Di")],
    )?;
    // `accept` holds it to last_processed_seq == 1: a wallet refuses more than it asked about.
    let answer = context.sync(&member, CLIENT, None, &[one])?;
    applied(&answer)?;
    name_is(context, &member, "Di")
}

pub fn seq_order(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let batch: Vec<Mutation> = (1..=5)
        .map(|seq| context.rename(seq, &format!("order {seq}")))
        .collect();
    let answer = context.sync(&member, CLIENT, None, &batch)?;
    applied(&answer)?;
    let data = membership_data(&answer.changes, &member)?;
    ensure(data.display_name.as_deref() == Some("order 5"), || {
        format!(
            "after seq 1..5 the name is {:?}, not \"order 5\"",
            data.display_name
        )
    })
}

pub fn invalid_arguments(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let name = wallet_core::sync::profile_update::NAME;
    let batch = [
        context.rename(1, ""),
        context.rename(2, "   "),
        context.rename(3, &"長".repeat(41)),
        context.mutation(4, name, json!({ "display_name": 5 })),
        context.mutation(5, name, json!({})),
        context.rename(6, "a\u{7}b"),
    ];
    let answer = context.sync(&member, CLIENT, None, &batch)?;
    for index in 0..batch.len() {
        rejected_with(&answer, index, "invalid_arguments")?;
    }
    let now = display_name_now(context, &member)?;
    ensure(now.is_none(), || {
        format!("a rejected mutation changed the name to {now:?}")
    })
}

pub fn unknown_mutation(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let batch = [context.mutation(1, "conformance.no_such_mutation", json!({}))];
    let answer = context.sync(&member, CLIENT, None, &batch)?;
    rejected_with(&answer, 0, "unknown_mutation")
}

pub fn rejection_is_final(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let bad = context.rename(1, "");
    let first = context.sync(&member, CLIENT, None, std::slice::from_ref(&bad))?;
    rejected_with(&first, 0, "invalid_arguments")?;
    let again = context.sync(&member, CLIENT, None, &[bad])?;
    ensure(again.results == first.results, || {
        format!("resent: {:?}, first: {:?}", again.results, first.results)
    })?;
    let next = context.sync(&member, CLIENT, None, &[context.rename(2, "Next")])?;
    applied(&next).map_err(|e| match e {
        Problem::Fail(why) => Problem::Fail(format!("after a rejection, seq 2: {why}")),
        skip => skip,
    })
}

pub fn rejection_does_not_stop_the_batch(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let batch = [
        context.rename(1, "Ann"),
        context.rename(2, ""),
        context.rename(3, "Cat"),
    ];
    let answer = context.sync(&member, CLIENT, None, &batch)?;
    rejected_with(&answer, 1, "invalid_arguments")?;
    ensure(
        answer.results[0].outcome == MutationOutcome::Applied
            && answer.results[2].outcome == MutationOutcome::Applied,
        || format!("results {:?}", answer.results),
    )?;
    name_is(context, &member, "Cat")
}

pub fn clients_have_own_sequences(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let phone: Vec<Mutation> = (1..=3).map(|seq| context.rename(seq, "phone")).collect();
    context.sync(&member, "conformance-phone", None, &phone)?;
    let tablet = context.sync(
        &member,
        "conformance-tablet",
        None,
        &[context.rename(1, "tablet")],
    )?;
    applied(&tablet)?;
    name_is(context, &member, "tablet")
}

pub fn last_processed_on_pull(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let batch: Vec<Mutation> = (1..=3).map(|seq| context.rename(seq, "n")).collect();
    context.sync(&member, CLIENT, None, &batch)?;
    let pull = context.sync(&member, CLIENT, None, &[])?;
    ensure(pull.last_processed_seq == 3, || {
        format!("after seq 1..3, a pull reports {}", pull.last_processed_seq)
    })?;
    let other = context.sync(&member, "conformance-other", None, &[])?;
    ensure(other.last_processed_seq == 0, || {
        format!(
            "a client that sent nothing has last_processed_seq {}",
            other.last_processed_seq
        )
    })
}

pub fn seq_gap(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let reply = context.sync_reply(member.token(), CLIENT, None, &[context.rename(2, "gap")])?;
    expect_error(&reply, 409, "seq_gap").map_err(|e| format!("a new client's seq 2: {e}"))?;
    context.sync(&member, CLIENT, None, &[context.rename(1, "one")])?;
    let batch = [context.rename(3, "three"), context.rename(4, "four")];
    let reply = context.sync_reply(member.token(), CLIENT, None, &batch)?;
    expect_error(&reply, 409, "seq_gap").map_err(|e| format!("seq 3 after 1: {e}"))?;
    name_is(context, &member, "one")
}

pub fn seq_conflict(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    context.sync(&member, CLIENT, None, &[context.rename(1, "first")])?;
    // Seq 1 again, but another mutation (another id): another outbox uses this client id.
    let batch = [context.rename(1, "other"), context.rename(2, "second")];
    let reply = context.sync_reply(member.token(), CLIENT, None, &batch)?;
    expect_error(&reply, 409, "seq_conflict")?;
    name_is(context, &member, "first")
}

pub fn concurrent_clients(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let run = |client: &str| -> Result<(), String> {
        for round in 0..5u64 {
            let batch: Vec<Mutation> = (1..=4)
                .map(|i| context.rename(round * 4 + i, client))
                .collect();
            let answer = context.sync(&member, client, None, &batch)?;
            if let Some(r) = answer
                .results
                .iter()
                .find(|r| r.outcome != MutationOutcome::Applied)
            {
                return Err(format!("{client} seq {}: {:?}", r.seq, r.outcome));
            }
        }
        Ok(())
    };
    std::thread::scope(|scope| {
        let a = scope.spawn(|| run("conformance-a"));
        let b = scope.spawn(|| run("conformance-b"));
        for handle in [a, b] {
            handle
                .join()
                .map_err(|_| "a client thread panicked".to_owned())??;
        }
        Ok::<(), String>(())
    })?;
    for client in ["conformance-a", "conformance-b"] {
        let pull = context.sync(&member, client, None, &[])?;
        ensure(pull.last_processed_seq == 20, || {
            format!(
                "{client}: last_processed_seq {} after 20",
                pull.last_processed_seq
            )
        })?;
    }
    Ok(())
}

pub fn concurrent_resend(context: &Context) -> CheckResult {
    let member = context.enroll()?;
    let batch: Vec<Mutation> = (1..=5).map(|seq| context.rename(seq, "twice")).collect();
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| context.sync(&member, CLIENT, None, &batch));
        let b = scope.spawn(|| context.sync(&member, CLIENT, None, &batch));
        (a.join(), b.join())
    });
    let a = a.map_err(|_| "a thread panicked".to_owned())??;
    let b = b.map_err(|_| "a thread panicked".to_owned())??;
    ensure(a.results == b.results, || {
        format!(
            "two answers to one request differ: {:?} / {:?}",
            a.results, b.results
        )
    })?;
    applied(&a)
}
