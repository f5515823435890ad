#!/usr/bin/env bash
# The soak run (server/examples/soak.rs): for a bounded time, 240 simulated wallets (HTTP clients)
# at the four demo merchants queue mutations and sync with random delays and answers they drop,
# four simulated tills purchase, redeem (now and then two at once) and adjust with request ids
# they resend, and the wallet-server process is killed with SIGKILL every 3 to 12 s and started
# again. Then every wallet syncs to the end and the invariants are checked on the database and on
# every wallet's copy. Prints `soak: N operations (...), K kills, V violations` per database;
# exits non-zero if any run found a violation. Not a timed test: 3 minutes per database.
#   bench/soak.sh                       # SQLite, then PostgreSQL (a throwaway cluster), 180 s each
#   bench/soak.sh --seconds 20          # shorter (the test command's soak suite: SQLite, 20 s)
#   SOAK_DATABASES=sqlite bench/soak.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build -q -p wallet-server --bin wallet-server --example soak
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
soak=("$target_dir/debug/examples/soak" --server-bin "$target_dir/debug/wallet-server" "$@")

work="$(mktemp -d /tmp/soak.XXXXXX)"
chmod 755 "$work" # the postgres user reaches its cluster inside
pg_stop=""
cleanup() {
  [[ -n "$pg_stop" ]] && eval "$pg_stop"
  [[ -n "${SOAK_KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failed=0
for database in ${SOAK_DATABASES:-sqlite postgres}; do
  database="${database//,/ }"
  case "$database" in
    sqlite)
      echo "[soak] SQLite: $work/soak.db"
      "${soak[@]}" --database-url "sqlite://$work/soak.db?mode=rwc" || failed=1
      ;;
    postgres)
      pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
      if [[ -z "$pgbin" ]]; then
        echo "[soak] PostgreSQL: not installed (apt-get install postgresql); skipped"
        continue
      fi
      # Below the ephemeral range (32768 up): the soak's own client connections use those ports,
      # and one of them can hold the port a cluster would bind.
      port=25700
      while (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
      mkdir -p "$work/pg"
      as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
      [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$work/pg"
      as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
      # fsync stays on: the kills must meet the durability a real deployment has.
      if ! as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 30 \
        -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null; then
        echo "[soak] PostgreSQL did not start:"
        tail -n 20 "$work/pg/server.log"
        failed=1
        continue
      fi
      pg_stop="as_pg '$pgbin/pg_ctl' -D '$work/pg/data' -m fast -w stop >/dev/null 2>&1 || true"
      psql -h 127.0.0.1 -p "$port" -U postgres -qc 'CREATE DATABASE soak'
      echo "[soak] PostgreSQL: a throwaway cluster on port $port"
      "${soak[@]}" --database-url "postgres://postgres@127.0.0.1:$port/soak" || failed=1
      eval "$pg_stop"
      pg_stop=""
      ;;
    *) echo "[soak] unknown database $database"; failed=1 ;;
  esac
done
exit "$failed"
