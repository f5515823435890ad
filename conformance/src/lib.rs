//! wallet-conformance: checks over HTTP, and only over HTTP, that an issuer does what
//! docs/protocol.md promises a wallet (enroll, sync, errors, CORS, limits).
//!
//! Give it the issuer's base URL and a join code; it enrolls fresh memberships and runs every
//! check against them. Paging and tombstones need more entities than a new membership has: give
//! it the token of a prepared membership (`fixture_token`) or those checks are skipped.
//!
//! With a cashier key (and a join code of that key's merchant) it also checks the till's half:
//! member codes (window, single use, failed-attempt limit), purchases, redemptions and
//! adjustments applied exactly once, and their effects arriving by sync. Without, those checks
//! are skipped.
//!
//! `cargo run -p wallet-conformance -- <base-url> <join-code> [fixture-token]
//!  [--cashier-key KEY --cashier-join-code CODE]`

pub mod checks;
pub mod client;
pub mod context;
pub mod till;

use std::fmt;

/// The request body limit of protocol section 8: 65,536 bytes are accepted, one more is not.
pub const LIMIT_BODY_BYTES: usize = 65_536;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The issuer's base URL, without `/v1`.
    pub base_url: String,
    /// A join code of one of the issuer's merchants.
    pub join_code: String,
    /// The bearer token of a membership with more than one page of changes (over 500 entities)
    /// including at least one tombstone. Without it the paging and tombstone checks are skipped.
    pub fixture_token: Option<String>,
    /// A till of one merchant; without it the cashier checks are skipped.
    pub cashier: Option<CashierConfig>,
}

/// What the cashier checks need: a merchant's cashier key and a join code of the same merchant,
/// so the members they enroll are that till's members. The checks run a few dozen failed member
/// codes against the key (section 8's limits): give them a key of their own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CashierConfig {
    pub key: String,
    pub join_code: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed(String),
    Skipped(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub name: &'static str,
    /// What the spec promises, in a few words.
    pub promise: &'static str,
    pub status: Status,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.status {
            Status::Passed => write!(f, "pass  {}: {}", self.name, self.promise),
            Status::Failed(why) => write!(f, "FAIL  {}: {} -- {why}", self.name, self.promise),
            Status::Skipped(why) => write!(f, "skip  {}: {} -- {why}", self.name, self.promise),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub outcomes: Vec<Outcome>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.count(|s| matches!(s, Status::Passed))
    }

    pub fn failed(&self) -> usize {
        self.count(|s| matches!(s, Status::Failed(_)))
    }

    pub fn skipped(&self) -> usize {
        self.count(|s| matches!(s, Status::Skipped(_)))
    }

    fn count(&self, which: impl Fn(&Status) -> bool) -> usize {
        self.outcomes.iter().filter(|o| which(&o.status)).count()
    }

    /// `N passed, M failed`, with the skipped ones named if there are any.
    pub fn summary(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed(), self.failed());
        if self.skipped() > 0 {
            line.push_str(&format!(" ({} skipped)", self.skipped()));
        }
        line
    }
}

/// Runs every check in order, calling `each` as each one finishes (to print as it goes).
pub fn run(config: &Config, mut each: impl FnMut(&Outcome)) -> Report {
    let context = context::Context::new(config);
    let mut report = Report::default();
    for check in checks::ALL {
        let status = match (check.run)(&context) {
            Ok(()) => Status::Passed,
            Err(checks::Problem::Fail(why)) => Status::Failed(why),
            Err(checks::Problem::Skip(why)) => Status::Skipped(why),
        };
        let outcome = Outcome {
            name: check.name,
            promise: check.promise,
            status,
        };
        each(&outcome);
        report.outcomes.push(outcome);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(status: Status) -> Outcome {
        Outcome {
            name: "push.example",
            promise: "an example",
            status,
        }
    }

    #[test]
    fn summary_counts_and_lines() {
        let report = Report {
            outcomes: vec![
                outcome(Status::Passed),
                outcome(Status::Failed("why".into())),
                outcome(Status::Skipped("no fixture".into())),
                outcome(Status::Passed),
            ],
        };
        assert_eq!(report.summary(), "2 passed, 1 failed (1 skipped)");
        assert_eq!(
            report.outcomes[1].to_string(),
            "FAIL  push.example: an example -- why"
        );
        assert_eq!(Report::default().summary(), "0 passed, 0 failed");
    }

    #[test]
    fn check_names_are_unique() {
        let mut names: Vec<&str> = checks::ALL.iter().map(|c| c.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), checks::ALL.len());
    }
}
