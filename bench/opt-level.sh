#!/usr/bin/env bash
# Measures the release wasm at opt-level "s" and "z" (rustc and wasm-opt alike) and prints raw
# and brotli sizes of each, so the smaller one stays in Cargo.toml's [profile.release].
# Builds into its own target dir (target/opt-level-bench) so it does not disturb dist/.
#   bench/opt-level.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/tools.sh
out=target/opt-level-bench
mkdir -p "$out"
for level in s z; do
  cargo build -q -p wallet-app --bin wallet-app --release --target wasm32-unknown-unknown \
    --target-dir "$out/$level" --config "profile.release.opt-level=\"$level\""
  wasm-bindgen --target web --out-dir "$out/$level/pkg" \
    "$out/$level/wasm32-unknown-unknown/release/wallet-app.wasm"
  wasm-opt "-O$level" --enable-bulk-memory --enable-nontrapping-float-to-int \
    "$out/$level/pkg/wallet-app_bg.wasm" -o "$out/$level/opt.wasm"
  raw=$(stat -c %s "$out/$level/opt.wasm")
  br=$(brotli -q 11 -c "$out/$level/opt.wasm" | wc -c)
  printf 'opt-level %s: wasm %d bytes raw, %d bytes brotli\n' "$level" "$raw" "$br"
done
