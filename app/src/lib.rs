//! Member Wallet, the client-side app: routes, pages, state, storage and platform glue.
//! A library so that browser tests (app/tests) can reach storage and state; main.rs starts it.

mod app;
mod i18n;
mod inbox;
mod issuer_client;
mod joining;
mod loyalty;
pub mod membership;
mod pages;
mod platform;
mod pwa;
mod state;
pub mod storage;
mod sync;

/// Mounts the wallet on the page.
pub fn start() {
    // The bench's zero for "after start" (bench/wallet-scale.sh): the wasm is compiled and runs.
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark("mw:app-start");
    }
    console_error_panic_hook_lite();
    // "Clear this phone's wallet" asked for it: before anything opens the database.
    storage::clear_if_asked();
    // The first render in a task of its own, after the one that instantiated the module: two
    // shorter tasks instead of one long one that holds the page. Lighthouse's Total Blocking Time,
    // alternating runs in one session: 40-93 ms this way, 118-194 ms in one task.
    let mount = || leptos::mount::mount_to_body(app::App);
    if leptos::prelude::set_timeout_with_handle(mount, std::time::Duration::ZERO).is_err() {
        mount();
    }
}

/// Panics go to the console, so a broken build is diagnosable on a phone's remote inspector,
/// without pulling in a crate for it.
fn console_error_panic_hook_lite() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
}
