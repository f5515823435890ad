//! wallet-server: the reference issuer of Member Wallet.
//!
//! It implements Wallet Sync Protocol v1 (docs/protocol.md), the cashier endpoints and serves the
//! built app from `dist/`. The binary (`main.rs`) only reads its configuration; everything else
//! lives here so the integration tests drive the same router the binary serves.

pub mod app;
pub mod auth;
pub mod cashier;
pub mod clock;
pub mod code_check;
pub mod config;
pub mod db;
pub mod demo;
pub mod enroll;
pub mod entities;
pub mod error;
pub mod json;
pub mod merchants;
pub mod mutations;
pub mod rate_limit;
pub mod secrets;
pub mod serve;
pub mod static_files;
pub mod sync;
