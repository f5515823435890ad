#!/usr/bin/env bash
# README command 1: builds the app (release) and starts the reference server with demo data.
# The server prints `Member Wallet is running: open http://HOST:PORT/` and the demo join links.
#
#   scripts/run.sh                      # http://127.0.0.1:8080/, SQLite file wallet.db
#   PORT=9000 scripts/run.sh            # the server reads HOST, PORT, DATABASE_URL, WALLET_DIST
#   DATABASE_URL=postgres://user@host/wallet scripts/run.sh
#   scripts/run.sh --host 0.0.0.0       # extra arguments go to wallet-server (a flag wins over env)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
unset WALLET_TOOLS_READY # check the tools even when called from a shell that sourced tools.sh
source scripts/tools.sh
scripts/build-app.sh

echo "[run] cargo run -p wallet-server --profile server -- --demo $*"
exec cargo run -p wallet-server --profile server -- --demo "$@"
