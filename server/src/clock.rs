//! Where the server reads the time. Member codes are time-based, so tests need to move time
//! (a step forward, past a rate-limit window) without sleeping: the clock lives in the app state.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub trait Clock: Send + Sync + 'static {
    /// Unix time in seconds.
    fn now_unix(&self) -> u64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> u64 {
        // A clock set before 1970 is broken beyond what the server can repair; 0 makes every
        // member code fail rather than the server crash.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs())
    }
}

/// A clock that only moves when told to.
pub struct ManualClock {
    secs: AtomicU64,
}

impl ManualClock {
    pub fn new(unix_secs: u64) -> Self {
        Self {
            secs: AtomicU64::new(unix_secs),
        }
    }

    pub fn set(&self, unix_secs: u64) {
        self.secs.store(unix_secs, Ordering::SeqCst);
    }

    pub fn advance(&self, secs: u64) {
        self.secs.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_unix(&self) -> u64 {
        self.secs.load(Ordering::SeqCst)
    }
}
