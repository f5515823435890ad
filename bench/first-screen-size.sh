#!/usr/bin/env bash
# First-screen transfer size: what the browser must download before the first screen can draw,
# i.e. index.html and what it references (the wasm, its JS glue, the stylesheet), raw, gzip -9
# and brotli -q 11 (the .gz/.br files scripts/build-app.sh writes and the server sends).
# Not counted: sw.js, the manifest and icons (fetched after the first screen).
#   bench/first-screen-size.sh [dist]     one line per figure
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIST="${1:-dist}"
BUDGET_BR_KB=200 # DESIGN.md section 9

[[ -f "$DIST/index.html" ]] || { echo "[size] $DIST/index.html missing: run scripts/build-app.sh" >&2; exit 1; }

# The files index.html loads: href/src/import paths of .js, .wasm, .css at the top level (the
# glue is a dynamic import() since scripts/start-after-paint.mjs), but the counter's (counter/):
# index.html loads it on a member card only, where bench/card-first-visit.mjs counts it.
mapfile -t refs < <(grep -oE "(href|src|from|import\(|module_or_path:)\s*=?\s*['\"]/[^'\"]+\.(js|wasm|css)['\"]" "$DIST/index.html" |
  grep -oE "/[^'\"]+" | grep -v "^/wallet-counter" | sort -u)
files=("index.html")
for ref in "${refs[@]}"; do files+=("${ref#/}"); done

size() { stat -c %s "$1"; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
measure() { # FILE -> "raw gzip brotli" (compressing on the fly when the sibling is missing)
  local f="$DIST/$1" gz br
  if [[ -f "$f.gz" ]]; then gz=$(size "$f.gz"); else gz=$(gzip -9 -n -c "$f" | wc -c); fi
  if [[ -f "$f.br" ]]; then br=$(size "$f.br"); else br=$(brotli -q 11 -c "$f" | wc -c); fi
  echo "$(size "$f") $gz $br"
}

declare -A raw=() gz=() br=()
total_raw=0 total_gz=0 total_br=0
for file in "${files[@]}"; do
  kind="${file##*.}"
  [[ "$file" == *_bg.wasm ]] && kind=wasm
  read -r r g b < <(measure "$file")
  raw[$kind]=$(( ${raw[$kind]:-0} + r )); gz[$kind]=$(( ${gz[$kind]:-0} + g )); br[$kind]=$(( ${br[$kind]:-0} + b ))
  total_raw=$((total_raw + r)); total_gz=$((total_gz + g)); total_br=$((total_br + b))
done
for kind in wasm js css html; do
  printf 'first-screen %-5s raw %10s  gzip %10s  brotli %10s\n' "$kind" \
    "$(kb "${raw[$kind]:-0}")" "$(kb "${gz[$kind]:-0}")" "$(kb "${br[$kind]:-0}")"
done
verdict=$(awk -v b="$total_br" -v budget="$BUDGET_BR_KB" 'BEGIN {
  kb = b / 1024; if (kb <= budget) printf "met"; else printf "MISSED by %.1f KB", kb - budget }')
printf 'first-screen total raw %10s  gzip %10s  brotli %10s  (budget: brotli <= %d KB: %s)\n' \
  "$(kb "$total_raw")" "$(kb "$total_gz")" "$(kb "$total_br")" "$BUDGET_BR_KB" "$verdict"
