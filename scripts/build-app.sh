#!/usr/bin/env bash
# Builds the release app into dist/ (Trunk.toml at the root points at app/index.html), then writes
# .br (brotli -q 11) and .gz (gzip -9) siblings of every text and wasm asset, because the server
# serves precompressed files, and prints the wasm and js sizes: raw, gzip, brotli. Trunk builds the
# counter (counter/, the member card before the app) beside the app. Between the two,
# scripts/start-after-paint.mjs rewrites how index.html starts the app and service-worker/
# generate.mjs writes dist/sw.js with the precache list of dist/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/tools.sh

echo "[build-app] trunk build --release"
trunk build --release

# On the wallet home the app starts after the shell's first paint (the script says why); before
# the service worker's list, which hashes index.html.
node scripts/start-after-paint.mjs dist
# The shell's words, from the app's locale files.
node scripts/shell-strings.mjs dist

# The service worker's precache list, with a content revision per file (service-worker/); before
# compression, so sw.js gets its .br/.gz too.
node service-worker/generate.mjs dist

echo "[build-app] compressing dist/"
# Trunk replaces dist/ on every build, but drop any orphaned sibling in case it did not.
find dist -type f \( -name '*.br' -o -name '*.gz' \) -print0 |
  while IFS= read -r -d '' f; do [[ -e "${f%.*}" ]] || rm -f "$f"; done
# Two jobs at a time (the machine has 2 cores); brotli -q 11 is the slow one.
find dist -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.json' -o -name '*.svg' -o -name '*.webmanifest' \) -print0 |
  xargs -0 -r -n 1 -P 2 sh -c 'brotli -q 11 -f -o "$1.br" "$1" && gzip -9 -n -k -f "$1"' sh

size() { stat -c %s "$1"; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
echo "[build-app] sizes (raw / gzip / brotli):"
total_br=0
while IFS= read -r -d '' f; do
  printf '[build-app]   %-44s %10s / %10s / %10s\n' "${f#dist/}" \
    "$(kb "$(size "$f")")" "$(kb "$(size "$f.gz")")" "$(kb "$(size "$f.br")")"
done < <(find dist -type f \( -name '*.wasm' -o -name '*.js' \) -print0 | sort -z)
# The first screen needs wasm + js + css + html (DESIGN.md section 9 budgets this, brotli); the
# service worker (sw.js) is fetched after it, so it does not count, nor does the counter
# (wallet-counter*, loaded on a member card only), nor the features loaded later (wallet-later*,
# loaded when a page that needs them opens), nor html5-qrcode (loaded when the scanner opens),
# nor LINE's SDK (liff-*, inside LINE only). On a card, the QR needs html + css + counter.
card_br=0
later_br=0
scanner_br=0
liff_br=0
while IFS= read -r -d '' f; do
  case "$f" in
    dist/wallet-counter*) card_br=$((card_br + $(size "$f.br"))) ;;
    dist/wallet-later*) later_br=$((later_br + $(size "$f.br"))) ;;
    dist/html5-qrcode*) scanner_br=$((scanner_br + $(size "$f.br"))) ;;
    dist/liff-*) liff_br=$((liff_br + $(size "$f.br"))) ;;
    *.css | *.html) card_br=$((card_br + $(size "$f.br"))); total_br=$((total_br + $(size "$f.br"))) ;;
    *) total_br=$((total_br + $(size "$f.br"))) ;;
  esac
done < <(find dist -maxdepth 1 -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \) ! -name sw.js -print0)
echo "[build-app]   first screen (top-level wasm+js+css+html), brotli: $(kb "$total_br")"
echo "[build-app]   a member card's QR (html+css+counter), brotli: $(kb "$card_br")"
echo "[build-app]   features loaded later (wallet-later: survey, games, scanner, invitation, checkout), brotli: $(kb "$later_br")"
echo "[build-app]   the scanner's library (html5-qrcode, loaded when the scanner opens), brotli: $(kb "$scanner_br")"
echo "[build-app]   LINE's LIFF SDK (loaded inside LINE only, with a LIFF id), brotli: $(kb "$liff_br")"
