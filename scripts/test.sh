#!/usr/bin/env bash
# README command 2: installs what the tests need that a fresh machine lacks, then runs every suite:
#   native      cargo test --workspace (but the wasm-only app, counter and later): core, components' plain unit tests,
#               server on SQLite (#[wasm_bindgen_test]s are skipped natively; the browser suite runs them)
#   postgres    cargo test -p wallet-server again, against a throwaway PostgreSQL cluster
#               (TEST_DATABASE_URL=postgres://postgres@127.0.0.1:PORT/wallet)
#   api         schemathesis (PyPI, pinned) against the reference server from docs/openapi.yaml
#               (scripts/api-fuzz.sh: about 1,000 generated cases; each of its 2 runs counts as a test)
#   soak        bench/soak.sh --seconds 20 on SQLite: wallets, tills and SIGKILLed restarts of the
#               server, then the invariants (0 violations passes; the 3-minute run is bench/)
#   browser     wasm-bindgen-test of components, app and counter in headless Debian Chromium
#   e2e         Playwright (e2e/) against the release build served by the real server
# A failing suite does not stop the others. The last line is `N passed, M failed`, counting tests
# across suites; a suite that could not run (build error, missing tool) counts as one failed.
# Exits non-zero when anything failed. Logs: target/test-logs/<suite>.log
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
unset WALLET_TOOLS_READY # check the tools even when called from a shell that sourced tools.sh
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 # never a browser download: Debian's Chromium is used
start_all=$SECONDS
# Browsers leave temp folders behind (chromedriver's profiles, Chromium's scoped dirs, about 17 MB
# each): one folder for the whole run, removed at its end, keeps /tmp clean for the next clone.
TMPDIR="$(mktemp -d /tmp/wallet-test.XXXXXX)"
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT

LOGS="$ROOT/target/test-logs"
# Core's features that only the module loaded later turns on: the native suites test them too.
CORE_FEATURES="wallet-core/barcode,wallet-core/export,wallet-core/catima"
mkdir -p "$LOGS"

# What the suites need; a failure here is reported like a suite's, and the suites still run.
suite_setup() {
  source scripts/tools.sh
  # A clean run builds about 15 GB under target/; say so up front rather than fail mid-link.
  local free_gb
  free_gb=$(($(df -Pk "$ROOT" | awk 'NR == 2 { print $4 }') / 1024 / 1024))
  echo "[setup] ${free_gb} GB free on the disk holding $ROOT"
  ((free_gb >= 20)) || echo "[setup] warning: under 20 GB free; the builds may run out of disk"
  # fonts-noto-cjk: zh-TW text in e2e screenshots renders as text, not boxes. ffmpeg: the
  # scanner's e2e films a QR code for Chromium's fake camera (a y4m video). zbar-tools: zbarimg
  # reads the linear barcodes (the e-invoice carrier's Code 39) back from the screen.
  apt_ensure chromium chromium-driver postgresql brotli fonts-noto-cjk sqlite3 ffmpeg zbar-tools
  npm_ci_if_changed "$ROOT/e2e" "Playwright, jsqr, pngjs, qrcode, liff-mock, axe-core"
}

# --no-fail-fast everywhere: cargo otherwise stops at the first failing test binary, and the
# ones after it would neither run nor be counted.
suite_native() {
  # wallet-app cannot build natively: it uses web-sys's unstable APIs (Wake Lock, ...), which
  # exist only with --cfg=web_sys_unstable_apis, set for wasm32 alone in .cargo/config.toml (setting
  # it natively would rebuild every native crate). Its tests are browser tests anyway.
  # wallet-counter likewise (it keeps the screen awake); wallet-later is a browser module with no
  # native tests (its rules are core's, tested there; its form is tested end to end).
  # Core's features only the module loaded later uses (no native crate turns them on).
  env -u TEST_DATABASE_URL cargo test --workspace --exclude wallet-app --exclude wallet-counter \
    --exclude wallet-later --features "$CORE_FEATURES" --no-fail-fast
}

# Prints how to run PostgreSQL's programs here: they refuse to run as root. As root: as the
# postgres user (runuser, or setpriv where runuser is refused), else as an unprivileged user in a
# user namespace of our own (no system user needed).
pg_runner() {
  if [[ $(id -u) -ne 0 ]]; then echo direct
  elif runuser -u postgres -- true 2>/dev/null; then echo runuser
  elif setpriv --reuid=postgres --regid=postgres --init-groups true 2>/dev/null; then echo setpriv
  elif unshare --user --map-user=1000 --map-group=1000 true 2>/dev/null; then echo userns
  else echo none
  fi
}

suite_postgres() {
  local pgbin port dir
  PATH="$PATH:/usr/sbin:/sbin" # runuser lives there, and a CI shell's PATH may lack it
  pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  port=55432
  while (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  dir="$(mktemp -d /tmp/pgtest.XXXXXX)"
  PG_RUNNER="$(pg_runner)" # global: the EXIT trap runs after this function's locals are gone
  as_pg() {
    case "$PG_RUNNER" in
      direct) "$@" ;;
      runuser) runuser -u postgres -- "$@" ;;
      setpriv) setpriv --reuid=postgres --regid=postgres --init-groups -- "$@" ;;
      userns) unshare --user --map-user=1000 --map-group=1000 -- "$@" ;;
      *) echo "[postgres] cannot run PostgreSQL here: root, and no way to drop root" >&2; return 1 ;;
    esac
  }
  # shellcheck disable=SC2064 # expand now: the locals are gone when the trap runs
  trap "as_pg '$pgbin/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null 2>&1 || true; rm -rf '$dir'" EXIT
  trap 'exit 130' INT TERM # so that the EXIT trap stops the cluster on an interrupt too
  # Whatever fails before the tests, say what and show the cluster's own log.
  trap 'echo "[postgres] failed: $BASH_COMMAND"; tail -n 30 "$dir/server.log" 2>/dev/null || true' ERR
  [[ $PG_RUNNER == runuser || $PG_RUNNER == setpriv ]] && chown postgres:postgres "$dir"
  echo "[postgres] throwaway cluster in $dir on port $port (PostgreSQL run: $PG_RUNNER)"
  # From the cluster's folder: the postgres user may not enter the clone's.
  (cd "$dir" && as_pg "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null)
  (cd "$dir" && as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null)
  psql -h 127.0.0.1 -p "$port" -U postgres -qc 'CREATE DATABASE wallet'
  trap - ERR
  if ! grep -rqs TEST_DATABASE_URL server/; then
    echo "[postgres] note: server/ does not read TEST_DATABASE_URL yet: this repeats the SQLite run"
  fi
  # The native suite's features, so that its build of core and the server is reused.
  TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/wallet" \
    cargo test -p wallet-server --features "$CORE_FEATURES" --no-fail-fast
}

suite_api() {
  scripts/api-fuzz.sh
}

suite_soak() {
  SOAK_DATABASES=sqlite bench/soak.sh --seconds 20
}

suite_browser() {
  # .cargo/config.toml sets the runner (wasm-bindgen-test-runner) and the rustflags.
  export CHROMEDRIVER=/usr/bin/chromedriver
  # cargo runs tests in each crate's folder: point at the root webdriver.json (Chrome flags for root).
  export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/webdriver.json"
  cargo test --target wasm32-unknown-unknown -p wallet-components -p wallet-app -p wallet-counter --no-fail-fast
}

suite_e2e() {
  rm -f e2e/output/results.json
  scripts/build-app.sh
  # The server's debug build, as the api and soak suites built it (e2e/paths.ts says why not the
  # optimized one); the example seeds 10,000 ledger entries for e2e/tests/wallet-scale.spec.ts.
  cargo build -p wallet-server --bins --example seed_entities
  cd e2e && npx playwright test
}

no_counts() { echo "0 0"; }

strip_ansi() { sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1"; }

# Prints "passed failed" for a cargo log: the sum of its `test result:` lines.
cargo_counts() {
  strip_ansi "$1" | awk '/^test result: / {
      for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i }
    } END { print p + 0, f + 0 }'
}

# Prints "passed failed" for scripts/api-fuzz.sh: each schemathesis run (wallet, cashier) is one
# test, whatever its number of generated cases (its line says how many).
api_counts() {
  strip_ansi "$1" | awk '/^\[api\] [a-z]+: [0-9]+ cases, 0 failures$/ { p += 1 }
    /^\[api\] [a-z]+: [0-9]+ cases, failures/ { f += 1 } END { print p + 0, f + 0 }'
}

# Prints "passed failed" for bench/soak.sh: each database's run is one test, passed at 0 violations.
soak_counts() {
  strip_ansi "$1" | awk '/^soak: .* kills, [0-9]+ violations$/ { if ($(NF-1) == 0) p++; else f++ }
    END { print p + 0, f + 0 }'
}

# Prints "passed failed" from Playwright's JSON report; errors outside tests count as failures.
playwright_counts() {
  [[ -s e2e/output/results.json ]] || { echo "0 0"; return; }
  node -e '
    const r = require(process.argv[1]);
    const s = r.stats || {};
    console.log((s.expected || 0) + (s.flaky || 0), (s.unexpected || 0) + (r.errors || []).length);
  ' "$ROOT/e2e/output/results.json"
}

passed=0
failed=0
broken=()
timings=()

# run_suite NAME COUNTER: runs suite_NAME in a subshell (its own `set -e` and traps), logs it,
# counts its tests with COUNTER and records its time, whatever happens.
run_suite() {
  local name="$1" counter="$2" t0=$SECONDS rc p f
  echo
  echo "===== [test] suite $name ====="
  set +e
  (set -euo pipefail; "suite_$name") 2>&1 | tee "$LOGS/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  read -r p f < <("$counter" "$LOGS/$name.log")
  local note=""
  if [[ $rc -ne 0 && $f -eq 0 ]]; then
    f=1
    broken+=("$name")
    note=" (could not run: exit $rc, see target/test-logs/$name.log)"
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  local secs=$((SECONDS - t0))
  timings+=("$(printf '%-9s %4d passed, %3d failed  %3dm%02ds%s' "$name" "$p" "$f" $((secs / 60)) $((secs % 60)) "$note")")
  echo "===== [test] suite $name: $p passed, $f failed in ${secs}s$note"
}

run_suite setup no_counts
# PATH and the other settings for the suites, without checking the tools again.
export WALLET_TOOLS_READY=1
source scripts/tools.sh

run_suite native cargo_counts
run_suite postgres cargo_counts
run_suite api api_counts
run_suite soak soak_counts
run_suite browser cargo_counts
run_suite e2e playwright_counts

total=$((SECONDS - start_all))
echo
echo "[test] suites (total $((total / 60))m$(printf '%02d' $((total % 60)))s):"
for line in "${timings[@]}"; do echo "[test]   $line"; done
[[ ${#broken[@]} -eq 0 ]] || echo "[test] could not run: ${broken[*]}"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
