#!/usr/bin/env bash
# What the app's wasm is made of: the top functions and the code by crate, from twiggy (crates.io,
# pinned) on the release build as rustc wrote it (target/wasm32-unknown-unknown/release), which
# still has its function names: the wasm in dist/ is the same code after wasm-bindgen and
# wasm-opt, without names, about a third of this size. Prints one line per figure.
#   bench/wasm-size.sh [--top N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
top=15
[[ "${1:-}" == "--top" ]] && top="$2"
twiggy="$HOME/.cargo/bin/twiggy"
if [[ ! -x "$twiggy" ]] || ! "$twiggy" --version | grep -q '0.7.0'; then
  echo "[wasm-size] installing twiggy 0.7.0 (about 3 minutes, once)" >&2
  cargo install twiggy --version 0.7.0 --locked >&2
fi
wasm=target/wasm32-unknown-unknown/release/wallet-app.wasm
[[ -f "$wasm" ]] || { echo "[wasm-size] no $wasm: run scripts/build-app.sh first" >&2; exit 1; }
csv="$(mktemp /tmp/wasm-size.XXXXXX.csv)"
trap 'rm -f "$csv"' EXIT
"$twiggy" top -n 1000000 --format csv "$wasm" >"$csv"
python3 - "$csv" "$top" <<'PY'
import csv, re, sys, collections
rows = list(csv.DictReader(open(sys.argv[1])))
top = int(sys.argv[2])
code = [r for r in rows if not r["Name"].startswith(('"function names"', "custom section", "data[", "type[", "elem[", "import", "export", "table[", "global[", "memory["))]
total = sum(int(r["ShallowSize"]) for r in code)
print(f"wasm size breakdown: {total / 1024:.1f} KB of code in functions (rustc output, before wasm-opt)")
print(f"  top {top} functions:")
for r in sorted(code, key=lambda r: -int(r["ShallowSize"]))[:top]:
    name = re.sub(r"::h[0-9a-f]{16}$", "", r["Name"])
    print(f"    {int(r['ShallowSize']) / 1024:7.1f} KB  {name[:110]}")
by_crate = collections.Counter()
for r in code:
    name = re.sub(r"^(?:[<&*( ]|mut |dyn |impl )+", "", r["Name"])
    crate = re.split(r"::|<| |\(", name, maxsplit=1)[0] or "?"
    by_crate[crate] += int(r["ShallowSize"])
print("  by crate (the first path segment of each function's name; `T`: generic code whose name starts with a type parameter):")
for crate, size in by_crate.most_common(top):
    print(f"    {size / 1024:7.1f} KB  {100 * size / total:4.1f} %  {crate}")
PY
