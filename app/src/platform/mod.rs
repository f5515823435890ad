//! Glue to the browser's platform APIs.

pub mod clock;
pub mod counter;
pub mod dates;
pub mod home_layout;
pub mod install;
pub mod later;
pub mod liff;
pub mod persistence;
pub mod service_worker;
pub mod shell;
pub mod wake_lock;

/// A random UUID (v4) from the browser's CSPRNG.
pub fn random_uuid() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| {
            format!(
                "{:x}-{:x}",
                js_sys::Date::now() as u64,
                (js_sys::Math::random() * 1e16) as u64
            )
        })
}
