#!/usr/bin/env node
// How long the scanner takes to open offline: the wallet was opened once online (join the demo
// café; the service worker precaches every file, the module loaded later and html5-qrcode among
// them), then the network is cut and, RUNS times in a new tab, the wallet's first page is opened
// and "Scan a shop's code" tapped. Each run is measured from the tap to
//   - the scanner drawn (the module loaded later started: the typed-code field is there), and
//   - the camera running (html5-qrcode loaded and started on Chromium's fake camera: the status
//     says it is looking for a code).
// Prints the medians (with min and max). One warm-up run is not counted.
//
//   node bench/scanner-open.mjs http://127.0.0.1:8080/ [--cpu 4] [--runs 10]
//
// The server must be the reference server with --demo. --cpu N slows the CPU N times.
// Playwright comes from e2e/node_modules; the browser is Debian's Chromium with its fake camera.
import { joinOnceThenGoOffline, launchBrowser, median, option, PHONE, throttleCpu } from './lib.mjs';

const base = process.argv.slice(2).find((a) => /^https?:/.test(a));
const cpu = Number(option('--cpu', 1));
const runs = Number(option('--runs', 10));
if (!base) {
  console.error('usage: node bench/scanner-open.mjs URL [--cpu N] [--runs N]');
  process.exit(2);
}

// Chromium's own test pattern as the camera, allowed without a prompt.
const browser = await launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
try {
  const context = await browser.newContext(PHONE);
  await joinOnceThenGoOffline(context, base);
  const drawn = [];
  const looking = [];
  for (let i = 0; i <= runs; i++) {
    const page = await context.newPage();
    await throttleCpu(context, page, cpu);
    await page.goto(base);
    const scan = page.getByTestId('scan-cta');
    await scan.waitFor({ timeout: 30_000 });
    await page.evaluate(() => {
      const seen = (selector) => document.querySelector(selector) !== null;
      window.__scanTimes = {};
      new MutationObserver(() => {
        const now = performance.now();
        if (window.__scanTimes.drawn === undefined && seen('[data-testid="scan-typed"]')) window.__scanTimes.drawn = now;
        // "正在尋找 QR code…": html5-qrcode's start resolved, the camera streams into the page.
        const status = document.querySelector('[data-testid="scan-status"]');
        if (window.__scanTimes.looking === undefined && status?.textContent.includes('尋找')) {
          window.__scanTimes.looking = now;
        }
      }).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
      document.addEventListener('click', () => (window.__scanTimes.tap = performance.now()), { capture: true, once: true });
    });
    await scan.click();
    await page.waitForFunction(() => window.__scanTimes.looking !== undefined, undefined, { timeout: 30_000 });
    const t = await page.evaluate(() => window.__scanTimes);
    if (i > 0) {
      drawn.push(t.drawn - t.tap);
      looking.push(t.looking - t.tap);
    }
    await page.close();
  }
  const label = cpu > 1 ? `${cpu}x CPU` : 'no throttling';
  const line = (what, xs) =>
    console.log(
      `scanner opening offline (${label}), tap to ${what}: median ${Math.round(median(xs))} ms of ${xs.length}` +
        ` (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))})`,
    );
  line('the scanner drawn', drawn);
  line('the camera running', looking);
} finally {
  await browser.close();
}
