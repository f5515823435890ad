//! Sliding-window limits on events per key: FAILED member-code attempts, so a six-digit code
//! cannot be guessed at a counter (only failures count: a cashier scanning many customers quickly
//! is never slowed down), and enrolls per client address, so a script cannot fill the database
//! with memberships.
//!
//! The counts live in this process's memory: several server instances behind a load balancer each
//! keep their own, and a restart forgets them. That multiplies an attacker's budget by the number
//! of instances, which still leaves a guess at about 3 in a million per attempt (docs/protocol.md).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Keys tracked before old ones are swept out, so a flood of made-up membership ids cannot grow
/// memory without bound.
const SWEEP_ABOVE_KEYS: usize = 10_000;

/// A sliding window: at most `max_events` events within any `window_secs`.
pub struct WindowLimiter {
    max_events: usize,
    window_secs: u64,
    events: Mutex<HashMap<String, VecDeque<u64>>>,
}

impl WindowLimiter {
    pub fn new(max_events: usize, window_secs: u64) -> Self {
        Self {
            max_events: max_events.max(1),
            window_secs,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// If `key` has used up its events, the seconds until it may try again.
    ///
    /// Checking and recording are separate steps, so attempts already in flight when the limit is
    /// reached still finish: the overshoot is bounded by the server's concurrency.
    pub fn retry_after(&self, key: &str, now: u64) -> Option<u64> {
        let mut events = self.lock();
        let times = events.get_mut(key)?;
        self.wait(times, now)
    }

    pub fn record(&self, key: &str, now: u64) {
        let mut events = self.lock();
        let times = events.entry(key.to_owned()).or_default();
        self.forget_old(times, now);
        times.push_back(now);
        self.sweep(&mut events, now);
    }

    /// Counts an event for `key`, unless it has used up its events: then nothing is counted and
    /// the answer is the seconds until it may try again. One step, so no overshoot.
    pub fn take(&self, key: &str, now: u64) -> Result<(), u64> {
        let mut events = self.lock();
        let times = events.entry(key.to_owned()).or_default();
        if let Some(wait) = self.wait(times, now) {
            return Err(wait);
        }
        times.push_back(now);
        self.sweep(&mut events, now);
        Ok(())
    }

    fn wait(&self, times: &mut VecDeque<u64>, now: u64) -> Option<u64> {
        self.forget_old(times, now);
        if times.len() < self.max_events {
            return None;
        }
        // Free again once enough of the oldest events have left the window.
        let must_expire = times[times.len() - self.max_events];
        Some((must_expire + self.window_secs).saturating_sub(now).max(1))
    }

    fn sweep(&self, events: &mut HashMap<String, VecDeque<u64>>, now: u64) {
        if events.len() > SWEEP_ABOVE_KEYS {
            let window = self.window_secs;
            events.retain(|_, times| times.back().is_some_and(|&last| last + window > now));
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
        self.events
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_after_max_events_until_the_oldest_leaves_the_window() {
        let limiter = WindowLimiter::new(3, 300);
        for t in [1000, 1010, 1020] {
            assert_eq!(limiter.retry_after("m", t), None);
            limiter.record("m", t);
        }
        assert_eq!(limiter.retry_after("m", 1030), Some(270));
        assert_eq!(limiter.retry_after("other", 1030), None);
        assert_eq!(limiter.retry_after("m", 1299), Some(1));
        assert_eq!(limiter.retry_after("m", 1300), None);
        limiter.record("m", 1300);
        assert_eq!(
            limiter.retry_after("m", 1305),
            Some(5),
            "1010 leaves at 1310"
        );
    }

    #[test]
    fn take_counts_only_what_it_lets_through() {
        let limiter = WindowLimiter::new(2, 60);
        assert_eq!(limiter.take("ip", 0), Ok(()));
        assert_eq!(limiter.take("ip", 10), Ok(()));
        assert_eq!(limiter.take("ip", 20), Err(40));
        assert_eq!(limiter.take("ip", 30), Err(30), "a refusal is not counted");
        assert_eq!(limiter.take("other", 30), Ok(()));
        assert_eq!(
            limiter.take("ip", 60),
            Ok(()),
            "the first has left the window"
        );
        assert_eq!(limiter.take("ip", 61), Err(9));
    }

    #[test]
    fn sweeps_stale_keys() {
        let limiter = WindowLimiter::new(5, 60);
        for i in 0..=SWEEP_ABOVE_KEYS {
            limiter.record(&format!("k{i}"), 0);
        }
        limiter.record("fresh", 100);
        assert_eq!(limiter.lock().len(), 1);
    }
}
