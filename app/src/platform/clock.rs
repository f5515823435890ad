//! Wall-clock time. TOTP needs the real time of day, so this is `Date.now()`, not a monotonic
//! clock; tests move it with Playwright's clock.

pub fn now_millis() -> f64 {
    js_sys::Date::now()
}

pub fn now_unix_secs() -> u64 {
    (now_millis() / 1000.0).max(0.0) as u64
}
