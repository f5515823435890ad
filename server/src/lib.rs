//! wallet-server: the reference issuer of Member Wallet.
//!
//! It implements Wallet Sync Protocol v1 (docs/protocol.md), the cashier endpoints and serves the
//! built app from `dist/`. The binary (`main.rs`) only reads its configuration; everything else
//! lives here so the integration tests drive the same router the binary serves.
//!
//! In layers, each using only those below it (docs/architecture.md; `tests/layers.rs` checks it):
//! `http` (the protocol face: router, errors, handlers) -> `loyalty` (the effects on a member's
//! value) -> `store` (transactions, the change log, idempotency) -> `wallet_core`. `state` is what
//! the handlers share; `serve` starts it all; `demo` seeds the demo merchants.

pub mod clock;
pub mod commands;
pub mod config;
pub mod demo;
pub mod http;
pub mod listen;
pub mod loyalty;
pub mod serve;
pub mod state;
pub mod store;
