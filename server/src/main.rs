//! `wallet-server`: reads its configuration and runs. See `wallet-server --help`.

use std::process::ExitCode;
use tracing_subscriber::filter::LevelFilter;
use wallet_server::commands;
use wallet_server::config::{Command, Config, ConfigError, USAGE};

#[tokio::main]
async fn main() -> ExitCode {
    let config =
        match Config::from_args_and_env(std::env::args().skip(1), |key| std::env::var(key).ok()) {
            Ok(config) => config,
            Err(ConfigError::HelpRequested) => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            Err(e) => {
                eprintln!("wallet-server: {e}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        };

    // Logs go to stderr: stdout carries only the start banner that scripts read.
    let level = std::env::var("RUST_LOG")
        .ok()
        .and_then(|text| text.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();

    let url = config.database_url.clone();
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| wallet_server::serve::base_url(&config.host, config.port));
    let done = match config.command.clone() {
        Command::Serve => wallet_server::serve::run(config).await.map_err(failed),
        Command::Backup { to } => commands::backup(&url, &to).await.map_err(failed),
        Command::NewEpoch => commands::new_epoch(&url).await.map_err(failed),
        Command::NewCashierKey { merchant_id } => commands::new_cashier_key(&url, &merchant_id)
            .await
            .map_err(failed),
        Command::RevokeCashierKey { merchant_id } => {
            commands::revoke_cashier_key(&url, &merchant_id)
                .await
                .map_err(failed)
        }
        Command::NewClaimCodes {
            merchant_id,
            gift,
            count,
        } => commands::new_claim_codes(&url, &public_url, &merchant_id, &gift, &count)
            .await
            .map_err(failed),
        Command::Posters { to } => commands::posters(&url, &public_url, &to)
            .await
            .map_err(failed),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wallet-server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Any command's error, for the one line printed before exiting.
fn failed(error: impl std::error::Error + 'static) -> Box<dyn std::error::Error> {
    Box::new(error)
}
