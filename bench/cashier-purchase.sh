#!/usr/bin/env bash
# Prints cashier purchase throughput (requests/s) and latency (p50, p99) on loopback, one line per
# figure. The server is the real router and database in-process behind a real socket, built with
# the server's own profile; the load generator (server/examples/cashier_purchase.rs) keeps
# 32 keep-alive connections busy, each purchase with a valid member code of its own membership
# (codes are single use per 30 s step, so the bench enrolls one membership per purchase first,
# unmeasured). Budget (DESIGN.md section 9): >= 3,000 requests/s, p99 <= 20 ms on SQLite.
#   bench/cashier-purchase.sh                                   # SQLite temp file, yakiniku, 20,000 purchases
#   bench/cashier-purchase.sh --merchant cafe                   # stamp card only (or books: points + tier)
#   bench/cashier-purchase.sh --requests 50000 --concurrency 64
#   bench/cashier-purchase.sh --database-url postgres://postgres@127.0.0.1:55432/wallet
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --quiet --profile server -p wallet-server --example cashier_purchase
exec "${CARGO_TARGET_DIR:-target}/server/examples/cashier_purchase" "$@"
