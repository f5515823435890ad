//! Limits on FAILED member-code attempts, so a six-digit code cannot be guessed at a counter.
//!
//! Only failures count: a cashier scanning many customers quickly is never slowed down. The
//! counts live in this process's memory: several server instances behind a load balancer each
//! keep their own, and a restart forgets them. That multiplies an attacker's budget by the number
//! of instances, which still leaves a guess at about 3 in a million per attempt (docs/protocol.md).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Keys tracked before old ones are swept out, so a flood of made-up membership ids cannot grow
/// memory without bound.
const SWEEP_ABOVE_KEYS: usize = 10_000;

/// A sliding window: at most `max_failures` failures within any `window_secs`.
pub struct FailureLimiter {
    max_failures: usize,
    window_secs: u64,
    failures: Mutex<HashMap<String, VecDeque<u64>>>,
}

impl FailureLimiter {
    pub fn new(max_failures: usize, window_secs: u64) -> Self {
        Self {
            max_failures: max_failures.max(1),
            window_secs,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// If `key` has used up its failures, the seconds until it may try again.
    ///
    /// Checking and recording are separate steps, so attempts already in flight when the limit is
    /// reached still finish: the overshoot is bounded by the server's concurrency.
    pub fn retry_after(&self, key: &str, now: u64) -> Option<u64> {
        let mut failures = self.lock();
        let times = failures.get_mut(key)?;
        self.forget_old(times, now);
        if times.len() < self.max_failures {
            return None;
        }
        // Free again once enough of the oldest failures have left the window.
        let must_expire = times[times.len() - self.max_failures];
        Some((must_expire + self.window_secs).saturating_sub(now).max(1))
    }

    pub fn record_failure(&self, key: &str, now: u64) {
        let mut failures = self.lock();
        let times = failures.entry(key.to_owned()).or_default();
        self.forget_old(times, now);
        times.push_back(now);
        if failures.len() > SWEEP_ABOVE_KEYS {
            let window = self.window_secs;
            failures.retain(|_, times| times.back().is_some_and(|&last| last + window > now));
        }
    }

    fn forget_old(&self, times: &mut VecDeque<u64>, now: u64) {
        while times
            .front()
            .is_some_and(|&time| time + self.window_secs <= now)
        {
            times.pop_front();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<u64>>> {
        // A panic while holding the lock cannot leave the map inconsistent (each change is one
        // call), so a poisoned lock is still safe to use.
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_after_max_failures_until_the_oldest_leaves_the_window() {
        let limiter = FailureLimiter::new(3, 300);
        for t in [1000, 1010, 1020] {
            assert_eq!(limiter.retry_after("m", t), None);
            limiter.record_failure("m", t);
        }
        assert_eq!(limiter.retry_after("m", 1030), Some(270));
        assert_eq!(limiter.retry_after("other", 1030), None);
        assert_eq!(limiter.retry_after("m", 1299), Some(1));
        assert_eq!(limiter.retry_after("m", 1300), None);
        limiter.record_failure("m", 1300);
        assert_eq!(
            limiter.retry_after("m", 1305),
            Some(5),
            "1010 leaves at 1310"
        );
    }

    #[test]
    fn sweeps_stale_keys() {
        let limiter = FailureLimiter::new(5, 60);
        for i in 0..=SWEEP_ABOVE_KEYS {
            limiter.record_failure(&format!("k{i}"), 0);
        }
        limiter.record_failure("fresh", 100);
        assert_eq!(limiter.lock().len(), 1);
    }
}
