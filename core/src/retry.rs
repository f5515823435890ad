//! When to try a failed sync again: exponential backoff with jitter, so a fleet of wallets that
//! lost the same issuer at the same moment does not come back in one stampede.

pub const FIRST_DELAY_SECS: f64 = 2.0;
pub const MAX_DELAY_SECS: f64 = 300.0;
/// While everything works, the wallet still looks for news this often when it is open.
pub const HEALTHY_INTERVAL_SECS: f64 = 300.0;

/// Seconds to wait before retry `attempt` (1 for the first retry): 2, 4, 8... capped at five
/// minutes, then scaled by `jitter` in `[0, 1)` to between 50 % and 150 %.
pub fn backoff_secs(attempt: u32, jitter: f64) -> f64 {
    let exponent = attempt.saturating_sub(1).min(16);
    let base = (FIRST_DELAY_SECS * f64::from(1u32 << exponent)).min(MAX_DELAY_SECS);
    base * (0.5 + jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn doubles_then_caps() {
        assert_eq!(backoff_secs(1, 0.5), 2.0);
        assert_eq!(backoff_secs(2, 0.5), 4.0);
        assert_eq!(backoff_secs(5, 0.5), 32.0);
        assert_eq!(backoff_secs(30, 0.5), 300.0);
        assert_eq!(backoff_secs(0, 0.5), 2.0);
    }

    proptest! {
        #[test]
        fn stays_within_half_and_one_and_a_half(attempt in 0u32..100, jitter in 0.0f64..1.0) {
            let delay = backoff_secs(attempt, jitter);
            prop_assert!((1.0..=MAX_DELAY_SECS * 1.5).contains(&delay));
        }
    }
}
