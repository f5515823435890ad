#!/usr/bin/env bash
# Changes per second applied into IndexedDB by the real app for a 10,000-entity pull (DESIGN.md
# section 9: <= 2 s). Builds the server and the seeding example with the server's profile, then
# runs bench/sync-apply.mjs (Playwright from e2e/node_modules, Debian's Chromium) against the
# release build in dist/ (scripts/build-app.sh). Prints one line per figure.
#   bench/sync-apply.sh                      # 10,000 entities, median of 3 runs
#   bench/sync-apply.sh --count 20000 --runs 5 --cpu 4
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --quiet --profile server -p wallet-server --bin wallet-server --example seed_entities
if [[ ! -f "${WALLET_DIST:-dist}/index.html" ]]; then
  echo "sync-apply: no ${WALLET_DIST:-dist}/index.html: run scripts/build-app.sh first" >&2
  exit 1
fi
exec node bench/sync-apply.mjs "$@"
