#!/usr/bin/env bash
# A wallet with 100 memberships and 10,000 ledger entries (DESIGN.md section 9: first paint of the
# wallet list <= 100 ms; long lists windowed). Builds the server and the seeding example with the
# server's profile, then runs bench/wallet-scale.mjs (Playwright from e2e/node_modules, Debian's
# Chromium) against the release build in dist/ (scripts/build-app.sh). Prints one line per figure:
# first paint of the wallet list (median of 5 warm loads), ledger scroll frame times (a touch fling
# and first-to-last entry), each at full CPU speed and 4x slower.
#   bench/wallet-scale.sh
#   bench/wallet-scale.sh --runs 9 --cpu 1,2,4
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --quiet --profile server -p wallet-server --bin wallet-server --example seed_entities
if [[ ! -f "${WALLET_DIST:-dist}/index.html" ]]; then
  echo "wallet-scale: no ${WALLET_DIST:-dist}/index.html: run scripts/build-app.sh first" >&2
  exit 1
fi
exec node bench/wallet-scale.mjs "$@"
