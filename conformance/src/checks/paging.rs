//! Paging and tombstones, on a membership prepared by the issuer's operator (the fixture): a new
//! membership has two entities, and no v1 mutation creates or deletes entities.

use super::{ensure, CheckResult, Problem};
use crate::context::{Context, Pull};
use std::collections::HashSet;
use wallet_core::sync::MAX_CHANGES_PER_PAGE;

const CLIENT: &str = "conformance-paging";

fn fixture(context: &Context) -> Result<&str, Problem> {
    context.config.fixture_token.as_deref().ok_or_else(|| {
        Problem::Skip(
            "no fixture membership given (CONFORMANCE_FIXTURE_TOKEN or the third argument)".into(),
        )
    })
}

fn pull_fixture(context: &Context) -> Result<Pull, Problem> {
    let token = fixture(context)?;
    Ok(context.pull_all_with_token(token, CLIENT)?)
}

pub fn follows_more(context: &Context) -> CheckResult {
    let pull = pull_fixture(context)?;
    ensure(pull.page_sizes.len() > 1, || {
        format!(
            "the fixture's {} changes came in one page: it needs more than {MAX_CHANGES_PER_PAGE}",
            pull.changes.len()
        )
    })?;
    // `accept` has checked each page's size, order and uniqueness; across pages too:
    let versions: Vec<u64> = pull.changes.iter().map(|c| c.version).collect();
    ensure(versions.windows(2).all(|w| w[0] < w[1]), || {
        "versions do not increase from one page to the next".into()
    })?;
    let mut seen = HashSet::new();
    let twice = pull
        .changes
        .iter()
        .find(|c| !seen.insert((c.kind.clone(), c.id.clone())));
    ensure(twice.is_none(), || {
        format!(
            "{:?} came twice in one walk through the pages",
            twice.map(|c| (&c.kind, &c.id))
        )
    })
}

pub fn last_cursor_is_current(context: &Context) -> CheckResult {
    let token = fixture(context)?;
    let pull = pull_fixture(context)?;
    let reply = context.sync_reply(token, CLIENT, Some(&pull.cursor), &[])?;
    let after = crate::context::accept(&reply, &[])?;
    ensure(
        !after.reset && !after.more && after.changes.is_empty(),
        || {
            format!(
                "after the last page: reset {}, more {}, {} changes",
                after.reset,
                after.more,
                after.changes.len()
            )
        },
    )
}

pub fn tombstones(context: &Context) -> CheckResult {
    let pull = pull_fixture(context)?;
    let tombstones: Vec<_> = pull.changes.iter().filter(|c| c.deleted).collect();
    if tombstones.is_empty() {
        return Err(Problem::Skip(
            "the fixture membership has no deleted entity".into(),
        ));
    }
    // `accept` has checked that no tombstone carries data; a full pull must include them.
    ensure(
        tombstones
            .iter()
            .all(|t| t.version >= 1 && !t.id.is_empty()),
        || "a tombstone without a version or id".into(),
    )
}
