//! `wallet-conformance <base-url> <join-code> [fixture-token]`: checks an issuer against
//! docs/protocol.md, one line per check, then `N passed, M failed`. Arguments may come from
//! CONFORMANCE_BASE_URL, CONFORMANCE_JOIN_CODE and CONFORMANCE_FIXTURE_TOKEN instead.

use std::process::ExitCode;
use wallet_conformance::{run, Config};

const USAGE: &str = "\
Usage: wallet-conformance <base-url> <join-code> [fixture-token]

  base-url       the issuer's base URL, without /v1 (env CONFORMANCE_BASE_URL)
  join-code      a join code of one of its merchants (env CONFORMANCE_JOIN_CODE)
  fixture-token  optional: the bearer token of a membership with more than 500 entities,
                 some deleted, for the paging and tombstone checks (env CONFORMANCE_FIXTURE_TOKEN)

The suite enrolls about 35 new memberships with the join code.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let arg = |index: usize, env: &str| {
        args.get(index)
            .cloned()
            .or_else(|| std::env::var(env).ok())
            .filter(|value| !value.trim().is_empty())
    };
    let (Some(base_url), Some(join_code)) = (
        arg(0, "CONFORMANCE_BASE_URL"),
        arg(1, "CONFORMANCE_JOIN_CODE"),
    ) else {
        eprintln!("wallet-conformance: a base URL and a join code are needed\n\n{USAGE}");
        return ExitCode::from(2);
    };
    if base_url.starts_with("https://") && !cfg!(feature = "tls") {
        eprintln!(
            "wallet-conformance: {base_url} needs TLS: cargo run -p wallet-conformance --features tls -- ..."
        );
        return ExitCode::from(2);
    }
    let config = Config {
        base_url,
        join_code,
        fixture_token: arg(2, "CONFORMANCE_FIXTURE_TOKEN"),
    };
    println!("Wallet Sync Protocol v1 conformance: {}", config.base_url);
    let report = run(&config, |outcome| println!("{outcome}"));
    println!("{}", report.summary());
    if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
