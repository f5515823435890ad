#!/usr/bin/env bash
# Lighthouse mobile (its default: simulated slow 4G, 4x CPU slowdown, a phone screen) on the
# wallet's first screen, in Debian's Chromium. Runs LH_RUNS times (default 3) and reports the
# run with the median performance score, one line per figure, next to DESIGN.md section 9.
#   bench/lighthouse.sh http://127.0.0.1:8080/
# Needs bench/node_modules (npm ci in bench/: lighthouse 12.8.2; 13.x needs node 22).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
URL="${1:?usage: bench/lighthouse.sh URL}"
RUNS="${LH_RUNS:-3}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
out="$(mktemp -d /tmp/wallet-lighthouse.XXXXXX)"
trap 'rm -rf "$out"' EXIT

for i in $(seq 1 "$RUNS"); do
  node_modules/.bin/lighthouse "$URL" --only-categories=performance --output=json \
    --output-path="$out/run-$i.json" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    >/dev/null 2>"$out/run-$i.log" || { cat "$out/run-$i.log" >&2; exit 1; }
done

node - "$out" "$RUNS" <<'JS'
const fs = require('fs');
const [dir, runs] = process.argv.slice(2);
const reports = Array.from({ length: Number(runs) }, (_, i) => JSON.parse(fs.readFileSync(`${dir}/run-${i + 1}.json`, 'utf8')));
const score = (r) => r.categories.performance.score;
reports.sort((a, b) => score(a) - score(b));
const r = reports[Math.floor((reports.length - 1) / 2)];
const audit = (id) => r.audits[id].numericValue;
const all = reports.map((x) => Math.round(score(x) * 100)).join(', ');
const verdict = (ok, miss) => (ok ? 'met' : `MISSED by ${miss}`);
const s = Math.round(score(r) * 100);
const fcp = audit('first-contentful-paint'), lcp = audit('largest-contentful-paint');
const tbt = audit('total-blocking-time'), cls = audit('cumulative-layout-shift');
const bytes = audit('total-byte-weight');
console.log(`lighthouse mobile performance score: ${s} (median of ${reports.length}: ${all}) (budget >= 95: ${verdict(s >= 95, 95 - s)})`);
console.log(`lighthouse mobile FCP: ${(fcp / 1000).toFixed(2)} s (no budget)`);
console.log(`lighthouse mobile LCP: ${(lcp / 1000).toFixed(2)} s (budget <= 1.5 s: ${verdict(lcp <= 1500, ((lcp - 1500) / 1000).toFixed(2) + ' s')})`);
console.log(`lighthouse mobile TBT: ${Math.round(tbt)} ms (budget <= 100 ms: ${verdict(tbt <= 100, Math.round(tbt - 100) + ' ms')})`);
console.log(`lighthouse mobile CLS: ${cls.toFixed(3)} (budget 0: ${verdict(cls === 0, cls.toFixed(3))})`);
console.log(`lighthouse mobile transfer: ${(bytes / 1024).toFixed(1)} KB (total-byte-weight; no budget)`);
JS
