//! wallet-server: the reference issuer of Member Wallet.
//!
//! It implements Wallet Sync Protocol v1 (docs/protocol.md), the cashier endpoints and serves the
//! built app from `dist/`. The binary (`main.rs`) only reads its configuration; everything else
//! lives here so the integration tests drive the same router the binary serves.

pub mod app;
pub mod auth;
pub mod cashier;
pub mod cashier_adjust;
pub mod cashier_purchase;
pub mod cashier_redeem;
pub mod clock;
pub mod code_check;
pub mod config;
pub mod coupons;
pub mod db;
pub mod demo;
pub mod demo_loyalty;
pub mod enroll;
pub mod entities;
pub mod error;
pub mod idempotency;
pub mod json;
pub mod loyalty;
pub mod merchants;
pub mod mutations;
pub mod points;
pub mod programs;
pub mod rate_limit;
pub mod rewards;
pub mod secrets;
pub mod serve;
pub mod stamps;
pub mod static_files;
pub mod sync;
pub mod tiers;
pub mod write_gate;
