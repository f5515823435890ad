//! Starting the server for real: database, optional demo seed, socket, banner, and a graceful
//! stop on Ctrl-C or SIGTERM.

use crate::clock::SystemClock;
use crate::config::Config;
use crate::demo;
use crate::http::line_id::LineVerifyEndpoint;
use crate::http::router;
use crate::listen;
use crate::loyalty::{enrollment, links, referrals};
use crate::state::AppState;
use crate::store::connection::{self, DbError};
use crate::store::{continuity, idempotency, StoreError};
use axum::http::StatusCode;
use std::fmt;
use std::io;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;

#[derive(Debug)]
pub enum StartError {
    Database(DbError),
    Seed(StoreError),
    Continuity(StoreError),
    Bind { address: String, source: io::Error },
    Signal(io::Error),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Database(e) => e.fmt(f),
            Self::Seed(e) => write!(f, "cannot add the demo data or loyalty state: {e}"),
            Self::Continuity(e) => {
                write!(f, "cannot record whether the server stopped cleanly: {e}")
            }
            Self::Bind { address, source } => write!(f, "cannot listen on {address}: {source}"),
            Self::Signal(e) => write!(f, "cannot listen for stop signals: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

pub async fn run(config: Config) -> Result<(), StartError> {
    let pool = connection::connect(&config.database_url)
        .await
        .map_err(StartError::Database)?;
    if config.demo {
        demo::seed(&pool).await.map_err(StartError::Seed)?;
    }
    if continuity::mark_started(&pool)
        .await
        .map_err(StartError::Continuity)?
    {
        tracing::warn!(
            "the last server on this database did not stop cleanly and may have lost its last \
             commits: the sync epoch is new, so every wallet's next sync is a full snapshot"
        );
    }
    let state = AppState::new(pool.clone(), Arc::new(SystemClock))
        .with_enroll_limit(config.enroll_limit)
        .with_sync_limit(config.sync_limit)
        .behind_proxy(config.behind_proxy)
        .with_liff_id(config.liff_id.as_deref());
    let state = match &config.line_channel_id {
        Some(channel_id) => state.with_line_verifier(Arc::new(LineVerifyEndpoint {
            url: config.line_verify_url.clone(),
            channel_id: channel_id.clone(),
        })),
        None => state,
    };
    enrollment::prepare_existing(&state.store, &state.rules, state.now())
        .await
        .map_err(StartError::Seed)?;
    referrals::prepare_existing(&state.store, &state.rules)
        .await
        .map_err(StartError::Seed)?;
    keep_forgetting_old_answers(state.clone());
    if !config.dist.join("index.html").is_file() {
        tracing::warn!(
            "no index.html in {}: the API works, the app is not served",
            config.dist.display()
        );
    }

    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .await
        .map_err(|source| StartError::Bind {
            address: format!("{}:{}", config.host, config.port),
            source,
        })?;
    // With port 0 the system picks the port: only the bound socket knows it.
    let port = listener
        .local_addr()
        .map_err(|source| StartError::Bind {
            address: format!("{}:{}", config.host, config.port),
            source,
        })?
        .port();
    let shutdown = shutdown_signal().map_err(StartError::Signal)?;
    let public_url = config
        .public_url
        .clone()
        .unwrap_or_else(|| base_url(&config.host, port));
    let state = state.with_public_url(&public_url);
    print!("{}", banner(&public_url, config.demo));

    let request_timeout = Duration::from_secs(config.request_timeout_secs);
    let app = router(state, &config.dist).layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        request_timeout,
    ));
    let header_timeout = Duration::from_secs(config.header_timeout_secs);
    listen::serve(listener, app, header_timeout, shutdown).await;
    continuity::mark_stopped(&pool)
        .await
        .map_err(StartError::Continuity)?;
    pool.close().await;
    Ok(())
}

/// How often the server looks for stored cashier answers past their keeping time.
const FORGET_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Forgets stored cashier answers older than `idempotency::KEEP_ANSWERS_SECS`, now and then
/// every `FORGET_EVERY`, for as long as the server runs.
fn keep_forgetting_old_answers(state: AppState) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(FORGET_EVERY);
        loop {
            every.tick().await;
            match idempotency::forget_old_answers(&state.store, state.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("forgot {n} cashier answers older than 30 days"),
                Err(e) => tracing::warn!("could not forget old cashier answers (next hour): {e}"),
            }
        }
    });
}

/// The address a person (or a phone's wallet) uses to reach this server.
pub fn base_url(host: &str, port: u16) -> String {
    match host.parse::<IpAddr>() {
        Ok(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{port}"),
        Ok(IpAddr::V6(ip)) => format!("http://[{ip}]:{port}"),
        _ => format!("http://{host}:{port}"),
    }
}

/// What is printed on stdout at start. Scripts read the first line to find the address.
pub fn banner(base_url: &str, demo: bool) -> String {
    let mut out = format!("Member Wallet is running: open {base_url}/\n");
    if demo {
        out.push_str("Demo join links:\n");
        for m in &demo::MERCHANTS {
            let link = demo::join_link(base_url, m.join_code).unwrap_or_else(|| {
                format!(
                    "(no link: {base_url} is not an address the wallet accepts; join code {})",
                    m.join_code
                )
            });
            out.push_str(&format!("  {} / {}: {link}\n", m.name_zh, m.name_en));
        }
        out.push_str("Demo cashier keys (Authorization: Bearer <key>):\n");
        for m in &demo::MERCHANTS {
            out.push_str(&format!("  {}: {}\n", m.name_en, m.cashier_key));
        }
        out.push_str("Demo claim codes (each claimed once):\n");
        for claim in &demo::claims::CLAIMS {
            let join_code = demo::MERCHANTS
                .iter()
                .find(|m| m.id == claim.merchant_id)
                .map_or("", |m| m.join_code);
            let link = wallet_core::claim::ClaimCode::parse(claim.code)
                .and_then(|code| links::claim_link(base_url, join_code, &code))
                .unwrap_or_default();
            out.push_str(&format!("  {} ({}): {link}\n", claim.code, claim.title.1));
        }
        out.push_str(&format!(
            "Join posters (SVG): GET {base_url}/v1/cashier/poster with a cashier key, \
             or `wallet-server posters DIR`\n"
        ));
    }
    out
}

/// Registers the handlers at once, not when first polled: a SIGTERM that arrives right after the
/// banner (a script that starts and stops the server quickly) must stop it gracefully too.
#[cfg(unix)]
fn shutdown_signal() -> io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {}
            _ = interrupt.recv() => {}
        }
        tracing::info!("stopping: finishing requests in flight");
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        tracing::info!("stopping: finishing requests in flight");
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_a_browser_can_open() {
        assert_eq!(base_url("127.0.0.1", 8080), "http://127.0.0.1:8080");
        assert_eq!(base_url("0.0.0.0", 80), "http://127.0.0.1:80");
        assert_eq!(base_url("::1", 8080), "http://[::1]:8080");
        assert_eq!(base_url("localhost", 3000), "http://localhost:3000");
    }

    #[test]
    fn banner_lists_demo_links_and_keys() {
        let text = banner("http://127.0.0.1:8080", true);
        let first = text.lines().next().unwrap();
        assert_eq!(
            first,
            "Member Wallet is running: open http://127.0.0.1:8080/"
        );
        assert!(text.contains("/join?issuer=http%3A%2F%2F127.0.0.1%3A8080&code=YAKINIKU"));
        assert!(text.contains("demo-cashier-books"));
        assert!(text
            .contains("/claim?issuer=http%3A%2F%2F127.0.0.1%3A8080&code=CAFE&claim=CAFE2STAMP01"));
        assert!(text.contains("/v1/cashier/poster"));
        assert_eq!(banner("http://h:1", false).lines().count(), 1);
    }
}
