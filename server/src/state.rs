//! What every request handler shares: the database, the clock, the limits and the caches. It
//! names no handler (the router is `http::router`), so handlers can import it without a circle.

use crate::clock::Clock;
use crate::http::line_id::LineVerifier;
use crate::http::rate_limit::WindowLimiter;
use crate::loyalty::rules::RulesCache;
use crate::store::merchants::CashierKeys;
use crate::store::Store;
use sqlx::AnyPool;
use std::sync::Arc;

/// Failed member-code attempts allowed per membership, and per cashier key, in `FAILURE_WINDOW_SECS`.
pub const MEMBER_MAX_FAILURES: usize = 5;
pub const CASHIER_MAX_FAILURES: usize = 30;
pub const FAILURE_WINDOW_SECS: u64 = 5 * 60;
/// Wrong cashier keys allowed per client address in `FAILURE_WINDOW_SECS`: a till whose key was
/// replaced retries a few times; a script guessing keys is stopped.
pub const KEY_MAX_FAILURES: usize = 20;
/// The window of the joins-per-address limit (`Config::enroll_limit` joins in it).
pub const ENROLL_WINDOW_SECS: u64 = 60;
/// The window of the sync limits (`Config::sync_limit` syncs in it per membership).
pub const SYNC_WINDOW_SECS: u64 = 60;
/// A client address may sync this many times a membership's limit: a shop's Wi-Fi or a carrier's
/// shared address carries many customers.
pub const SYNCS_PER_ADDRESS_FACTOR: usize = 10;

/// The links' address until `with_public_url` (the default listening address).
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

#[derive(Clone)]
pub struct AppState {
    /// The database: pooled reads, and write transactions in turn (`store::Store`).
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub member_failures: Arc<WindowLimiter>,
    pub cashier_failures: Arc<WindowLimiter>,
    /// Wrong cashier keys per client address.
    pub key_failures: Arc<WindowLimiter>,
    /// Joins per client address; `None`: no limit.
    pub enrolls: Option<Arc<WindowLimiter>>,
    /// Syncs per membership and per client address; `None`: no limit.
    pub syncs: Option<SyncLimits>,
    /// The client's address is the last in X-Forwarded-For, not the peer's (a proxy's).
    pub behind_proxy: bool,
    /// Merchants' loyalty rules, read from the database and kept for a few seconds.
    pub rules: Arc<RulesCache>,
    /// Cashier keys found valid, kept for a few seconds.
    pub cashier_keys: Arc<CashierKeys>,
    /// Where customers reach this server: the wallet's origin and the issuer of the links in
    /// claim codes and join posters (this server serves both).
    pub public_url: Arc<str>,
    /// Verifies LINE ID tokens sent at enroll; `None`: no LINE channel configured (the token is
    /// ignored).
    pub line: Option<Arc<dyn LineVerifier>>,
    /// The LIFF app the wallet starts inside LINE (`/liff-config.json`); `None`: no LIFF mode.
    pub liff_id: Option<Arc<str>>,
}

impl AppState {
    pub fn new(db: AnyPool, clock: Arc<dyn Clock>) -> Self {
        Self {
            store: Store::new(db),
            clock,
            member_failures: Arc::new(WindowLimiter::new(MEMBER_MAX_FAILURES, FAILURE_WINDOW_SECS)),
            cashier_failures: Arc::new(WindowLimiter::new(
                CASHIER_MAX_FAILURES,
                FAILURE_WINDOW_SECS,
            )),
            key_failures: Arc::new(WindowLimiter::new(KEY_MAX_FAILURES, FAILURE_WINDOW_SECS)),
            enrolls: None,
            syncs: None,
            behind_proxy: false,
            rules: Arc::new(RulesCache::default()),
            cashier_keys: Arc::new(CashierKeys::default()),
            public_url: Arc::from(DEFAULT_PUBLIC_URL),
            line: None,
            liff_id: None,
        }
    }

    /// LINE ID tokens at enroll are checked by `verifier` (`Config::line_channel_id`).
    pub fn with_line_verifier(mut self, verifier: Arc<dyn LineVerifier>) -> Self {
        self.line = Some(verifier);
        self
    }

    /// The wallet it serves starts the LIFF app `liff_id` inside LINE (`Config::liff_id`).
    pub fn with_liff_id(mut self, liff_id: Option<&str>) -> Self {
        self.liff_id = liff_id.map(Arc::from);
        self
    }

    /// The address in the links this server makes (`Config::public_url`).
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = Arc::from(url.trim_end_matches('/'));
        self
    }

    /// At most `per_minute` joins a minute from one client address (0: no limit). Only requests
    /// that carry their peer's address (`ConnectInfo`, as `serve` sets it) are counted.
    pub fn with_enroll_limit(mut self, per_minute: u32) -> Self {
        self.enrolls = (per_minute > 0)
            .then(|| Arc::new(WindowLimiter::new(per_minute as usize, ENROLL_WINDOW_SECS)));
        self
    }

    /// At most `per_minute` syncs a minute per membership, and ten times that per client address
    /// (0: no limit). Over it: `429` with `Retry-After`, which wallets honour as backoff.
    pub fn with_sync_limit(mut self, per_minute: u32) -> Self {
        let per_membership = per_minute as usize;
        self.syncs = (per_minute > 0).then(|| SyncLimits {
            per_membership: Arc::new(WindowLimiter::new(per_membership, SYNC_WINDOW_SECS)),
            per_address: Arc::new(WindowLimiter::new(
                per_membership * SYNCS_PER_ADDRESS_FACTOR,
                SYNC_WINDOW_SECS,
            )),
        });
        self
    }

    /// Requests come through a reverse proxy that appends each client's address to
    /// X-Forwarded-For: the limits per client address count that address.
    pub fn behind_proxy(mut self, behind_proxy: bool) -> Self {
        self.behind_proxy = behind_proxy;
        self
    }

    /// The clock's time as the database stores it (seconds since 1970).
    pub fn now(&self) -> i64 {
        i64::try_from(self.clock.now_unix()).unwrap_or(i64::MAX)
    }
}

/// The sync limits (`AppState::with_sync_limit`).
#[derive(Clone)]
pub struct SyncLimits {
    pub per_membership: Arc<WindowLimiter>,
    pub per_address: Arc<WindowLimiter>,
}
