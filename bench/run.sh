#!/usr/bin/env bash
# Prints the performance figures of DESIGN.md section 9, one line per figure, each next to its
# budget. Not a test: nothing fails when a budget is missed. A few minutes after the build.
#   bench/run.sh                      build the app and server, then measure
#   BENCH_SKIP_BUILD=1 bench/run.sh   measure what dist/ and target/server hold now
#
#   first-screen-size.sh   wasm + js + css + html the first screen needs: raw, gzip, brotli
#   wasm-size.sh           the wasm's top functions and its code by crate (twiggy)
#   lighthouse.sh          Lighthouse 12.8.2 mobile on `/` (median of LH_RUNS=3)
#   warm-start.mjs         offline start from the service worker cache to a scannable QR, median
#                          of 10, then again with the CPU slowed 4x
#   scanner-open.mjs       tap on "Scan a shop's code" to the scanner drawn and the camera running,
#                          offline from the service worker cache, median of 10
#   card-first-visit.mjs   bytes fetched before the QR on a member card, first visit, brotli
#   game-frames.mjs        frame times while scratching a card and spinning the wheel, 1x and 4x
#                          (starts what it needs)
#   startup-trace.mjs      where a 4x warm start's time goes, phase by phase, from a Chrome trace,
#                          and whether the wasm came from V8's code cache
#   sync-apply.sh, sync-roundtrip.sh, cashier-purchase.sh   (the sync and server figures; each
#                          starts what it needs)
#   wallet-scale.sh        100 memberships and 10,000 ledger entries: first paint of the wallet
#                          list, ledger scroll frame times (starts what it needs)
# (bench/opt-level.sh is a build experiment, not a figure: run it by hand.)
# The first three run against the reference server with demo data on a throwaway SQLite file,
# with Debian's Chromium. Figures move with the machine's load: the load average is printed first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
source scripts/tools.sh >/dev/null
apt_ensure chromium brotli
npm_ci_if_changed "$ROOT/bench" "Lighthouse"
npm_ci_if_changed "$ROOT/e2e" "Playwright"

if [[ -z "${BENCH_SKIP_BUILD:-}" ]]; then
  echo "[bench] building the app and the server (logs: target/bench-build.log)" >&2
  mkdir -p target
  { scripts/build-app.sh && cargo build -p wallet-server --profile server; } >target/bench-build.log 2>&1 ||
    { tail -n 30 target/bench-build.log >&2; exit 1; }
fi

tmp="$(mktemp -d /tmp/wallet-bench.XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# A snapshot of dist/: a build running meanwhile (another terminal, the test script) must not
# swap files under the service worker while it precaches.
cp -r "$ROOT/dist" "$tmp/dist"
target/server/wallet-server --demo --host 127.0.0.1 --port 0 --dist "$tmp/dist" --sync-limit 0 \
  --database-url "sqlite://$tmp/bench.db?mode=rwc" >"$tmp/server.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 300); do
  url="$(grep -oE 'Member Wallet is running: open https?://[^ ]+' "$tmp/server.log" | awk '{print $NF}' || true)"
  [[ -n "$url" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$url" ]] || { echo "[bench] the server did not start" >&2; cat "$tmp/server.log" >&2; exit 1; }

echo "[bench] $url, load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
failed=()
figure() { "$@" || failed+=("$*"); }
figure bench/first-screen-size.sh "$tmp/dist"
figure bench/wasm-size.sh
figure bench/lighthouse.sh "$url"
figure node bench/warm-start.mjs "$url" --runs 10
figure node bench/warm-start.mjs "$url" --runs 10 --cpu 4
figure node bench/scanner-open.mjs "$url" --runs 10
figure node bench/startup-trace.mjs "$url" --runs 3 --cpu 4
figure node bench/card-first-visit.mjs --dist "$tmp/dist"
figure node bench/game-frames.mjs
kill "$server_pid" 2>/dev/null || true
wait "$server_pid" 2>/dev/null || true
server_pid=""

# The others start their own servers; their build output is not a figure.
for script in sync-apply.sh sync-roundtrip.sh cashier-purchase.sh wallet-scale.sh; do
  [[ -x "bench/$script" ]] || continue
  figure bench/"$script" 2>>target/bench-build.log
done
if [[ ${#failed[@]} -gt 0 ]]; then
  printf '[bench] could not measure: %s\n' "${failed[@]}" >&2
  exit 1
fi
