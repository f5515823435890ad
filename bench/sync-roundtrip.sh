#!/usr/bin/env bash
# Prints the sync round-trip time on loopback (median of N push+pull round trips, and more), one
# line per figure. The server is the real router and database in-process behind a real socket,
# built with the server's own profile; the client keeps its connection alive as a browser does.
#   bench/sync-roundtrip.sh                                   # SQLite, a temp file, 500 rounds
#   bench/sync-roundtrip.sh --rounds 2000
#   bench/sync-roundtrip.sh --database-url postgres://postgres@127.0.0.1:55432/wallet
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --quiet --profile server -p wallet-server --example sync_roundtrip
exec target/server/examples/sync_roundtrip "$@"
