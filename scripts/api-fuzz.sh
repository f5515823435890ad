#!/usr/bin/env bash
# Schemathesis (PyPI, pinned) against the reference server: generates requests from
# docs/openapi.yaml and checks every answer against it (status, content type, headers such as
# Retry-After, response schema, Allow on 405, refusal of data the schema forbids, auth that is
# not ignored). Every check but positive_data_acceptance: a schema-valid request may still be
# refused by state the schema cannot see (a seq that is not the next, a member code of nobody).
#
# One run with a membership token (tag wallet: enroll, sync), one with a cashier key (tag cashier).
# Prints `[api] <tag>: N cases, 0 failures` per run (the test command counts these lines); exits
# non-zero on any failure. A fixed seed, so a failure reproduces; SCHEMATHESIS_SEED changes it.
#
#   scripts/api-fuzz.sh            # builds wallet-server (dev profile) and runs both
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
source scripts/tools.sh

SCHEMATHESIS="schemathesis==4.32.5"
VENV="$ROOT/target/schemathesis-venv"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-100}"
SEED="${SCHEMATHESIS_SEED:-15}"
pip_venv_ensure "$VENV" "$SCHEMATHESIS"

cargo build -q -p wallet-server --bin wallet-server
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"

work="$(mktemp -d /tmp/api-fuzz.XXXXXX)"
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Port 0: the server picks a free port and prints it. No limits on joins and syncs: schemathesis
# sends many from one address, and the limits have tests of their own.
"$target_dir/debug/wallet-server" --demo --port 0 --dist "$work/no-dist" \
  --database-url "sqlite://$work/api.db?mode=rwc" --enroll-limit 0 --sync-limit 0 \
  >"$work/server.log" 2>&1 &
server_pid=$!
base=""
for _ in $(seq 1 300); do
  base="$(sed -n 's|^Member Wallet is running: open \(http://[^/]*\)/$|\1|p' "$work/server.log")"
  [[ -n "$base" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.1
done
[[ -n "$base" ]] || { echo "[api] the server did not start"; cat "$work/server.log"; exit 1; }
echo "[api] wallet-server at $base; $SCHEMATHESIS, $EXAMPLES examples per operation, seed $SEED"

# A member of the demo bookshop, for the wallet's bearer token.
token="$(python3 - "$base" <<'PY'
import json, sys, urllib.request
request = urllib.request.Request(sys.argv[1] + "/v1/enroll", data=b'{"join_code":"BOOKS"}',
                                 headers={"content-type": "application/json"})
print(json.load(urllib.request.urlopen(request))["membership"]["token"])
PY
)"

failed=0
run() {
  local tag="$1" bearer="$2" log="$work/$1.log" rc=0
  (cd "$work" && "$VENV/bin/schemathesis" run "$ROOT/docs/openapi.yaml" --url "$base" \
    --include-tag "$tag" -H "Authorization: Bearer $bearer" \
    --checks all --exclude-checks positive_data_acceptance \
    --max-examples "$EXAMPLES" --seed "$SEED" --no-color) >"$log" 2>&1 || rc=$?
  local cases
  cases="$(sed -n 's/^ *\([0-9][0-9]*\) generated.*/\1/p' "$log" | tail -n 1)"
  if [[ $rc -eq 0 ]]; then
    echo "[api] $tag: ${cases:-0} cases, 0 failures"
  else
    sed -n '/FAILURES/,$p' "$log" | grep -v '^    curl' | head -n 80
    echo "[api] $tag: ${cases:-0} cases, failures (schemathesis exit $rc; log above)"
    failed=1
  fi
}
run wallet "$token"
# The demo bookshop's till: points, tiers and a rewards catalogue.
run cashier demo-cashier-books
exit "$failed"
