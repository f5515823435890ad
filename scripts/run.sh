#!/usr/bin/env bash
# README command 1: builds the app (release) and starts the reference server with demo data.
# The server prints `Member Wallet is running: open http://HOST:PORT/` and the demo join links.
#
#   scripts/run.sh                      # http://127.0.0.1:8080/, SQLite file wallet.db
#   PORT=9000 scripts/run.sh
#   DATABASE_URL=postgres://user@host/wallet scripts/run.sh
#   scripts/run.sh --host 0.0.0.0       # extra arguments go to wallet-server
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/tools.sh
scripts/build-app.sh

# Defaults only for what the extra arguments do not set (the server refuses a flag given twice).
given() {
  local flag="$1" arg
  for arg in "${@:2}"; do
    [[ "$arg" == "$flag" || "$arg" == "$flag="* ]] && return 0
  done
  return 1
}
args=()
given --demo "$@" || args+=(--demo)
given --port "$@" || args+=(--port "${PORT:-8080}")
given --database-url "$@" || args+=(--database-url "${DATABASE_URL:-sqlite://wallet.db?mode=rwc}")
given --dist "$@" || args+=(--dist "$PWD/dist")

echo "[run] cargo run -p wallet-server --profile server -- ${args[*]} $*"
exec cargo run -p wallet-server --profile server -- "${args[@]}" "$@"
