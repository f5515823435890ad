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

    let done = match &config.command {
        Command::Serve => wallet_server::serve::run(config)
            .await
            .map_err(|e| e.to_string()),
        Command::Backup { to } => commands::backup(&config.database_url, to).await,
        Command::NewEpoch => commands::new_epoch(&config.database_url).await,
        Command::NewCashierKey { merchant_id } => {
            commands::new_cashier_key(&config.database_url, merchant_id).await
        }
        Command::RevokeCashierKey { merchant_id } => {
            commands::revoke_cashier_key(&config.database_url, merchant_id).await
        }
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wallet-server: {e}");
            ExitCode::FAILURE
        }
    }
}
