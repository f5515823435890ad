//! `wallet-conformance <base-url> <join-code> [fixture-token] [--cashier-key KEY
//! --cashier-join-code CODE]`: checks an issuer against docs/protocol.md, one line per check,
//! then `N passed, M failed`. Arguments may come from CONFORMANCE_BASE_URL,
//! CONFORMANCE_JOIN_CODE, CONFORMANCE_FIXTURE_TOKEN, CONFORMANCE_CASHIER_KEY and
//! CONFORMANCE_CASHIER_JOIN_CODE instead.

use std::process::ExitCode;
use wallet_conformance::{run, CashierConfig, Config};

const USAGE: &str = "\
Usage: wallet-conformance <base-url> <join-code> [fixture-token]
                          [--cashier-key KEY --cashier-join-code CODE]

  base-url       the issuer's base URL, without /v1 (env CONFORMANCE_BASE_URL)
  join-code      a join code of one of its merchants (env CONFORMANCE_JOIN_CODE)
  fixture-token  optional: the bearer token of a membership with more than 500 entities,
                 some deleted, for the paging and tombstone checks (env CONFORMANCE_FIXTURE_TOKEN)

  --cashier-key        optional: a cashier key of one merchant, for the till's checks
                       (member codes, purchase, redeem, adjust; env CONFORMANCE_CASHIER_KEY)
  --cashier-join-code  a join code of that same merchant (env CONFORMANCE_CASHIER_JOIN_CODE)

The suite enrolls about 35 new memberships with the join code, and 10 more with the cashier's.
The cashier checks use this machine's clock for member codes: the issuer's must agree within a
few seconds. They make about a dozen failed member-code attempts with the key.";

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let cashier_key = take_option(&mut args, "--cashier-key", "CONFORMANCE_CASHIER_KEY");
    let cashier_join_code = take_option(
        &mut args,
        "--cashier-join-code",
        "CONFORMANCE_CASHIER_JOIN_CODE",
    );
    let cashier = match (cashier_key, cashier_join_code) {
        (Some(key), Some(join_code)) => Some(CashierConfig { key, join_code }),
        (None, None) => None,
        _ => {
            eprintln!(
                "wallet-conformance: --cashier-key and --cashier-join-code go together\n\n{USAGE}"
            );
            return ExitCode::from(2);
        }
    };
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
        cashier,
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

/// Removes `--name VALUE` (or `--name=VALUE`) from `args`; else the environment's `env`.
fn take_option(args: &mut Vec<String>, name: &str, env: &str) -> Option<String> {
    let inline = format!("{name}=");
    let found = if let Some(at) = args.iter().position(|a| a == name) {
        let value = args.get(at + 1).cloned();
        args.drain(at..(at + 2).min(args.len()));
        value
    } else {
        args.iter()
            .position(|a| a.starts_with(&inline))
            .map(|at| args.remove(at)[inline.len()..].to_owned())
    };
    found
        .or_else(|| std::env::var(env).ok())
        .filter(|value| !value.trim().is_empty())
}
