#!/usr/bin/env node
// Warm start to a scannable QR, offline, from the service worker's cache: the wallet was opened
// once online (join a demo merchant, the worker precaches the app), then the network is cut and
// the member card is opened RUNS times in a new tab, as a launch from the home screen would.
// Each start is measured from navigation start (the page's time origin) to
//   - the `mw:qr-shown` performance mark the card page sets when it renders the QR, and
//   - the QR's <svg> being in the DOM (a MutationObserver installed before any page script).
// Prints one line per figure: the medians (with min and max). One warm-up start is not counted.
//
//   node bench/warm-start.mjs http://127.0.0.1:8080/ [--cpu 4] [--runs 10]
//
// The server must be the reference server with --demo (the CAFE join code). --cpu N slows the
// CPU N times (CDP Emulation.setCPUThrottlingRate), as Lighthouse's mobile profile does.
// Playwright comes from e2e/node_modules; the browser is Debian's Chromium (bench/lib.mjs).
import { joinOnceThenGoOffline, launchBrowser, median, option, PHONE, throttleCpu, watchQrSvg } from './lib.mjs';

const BUDGET_MS = 300; // DESIGN.md section 9

const base = process.argv.slice(2).find((a) => /^https?:/.test(a));
const cpu = Number(option('--cpu', 1));
const runs = Number(option('--runs', 10));
if (!base) {
  console.error('usage: node bench/warm-start.mjs URL [--cpu N] [--runs N]');
  process.exit(2);
}

const browser = await launchBrowser();
try {
  const context = await browser.newContext(PHONE);
  await watchQrSvg(context);
  const card = await joinOnceThenGoOffline(context, base);

  const marks = [];
  const svgs = [];
  for (let i = 0; i <= runs; i++) {
    const page = await context.newPage();
    await throttleCpu(context, page, cpu);
    await page.goto(card, { waitUntil: 'commit' });
    await page.waitForFunction(
      () => window.__qrSvgAt !== undefined && performance.getEntriesByName('mw:qr-shown').length > 0,
      undefined,
      { timeout: 30_000 },
    );
    const { mark, svg } = await page.evaluate(() => ({
      mark: performance.getEntriesByName('mw:qr-shown')[0].startTime,
      svg: window.__qrSvgAt,
    }));
    if (i > 0) {
      marks.push(mark);
      svgs.push(svg);
    }
    await page.close();
  }

  const label = cpu > 1 ? `${cpu}x CPU` : 'no throttling';
  const line = (what, xs) => {
    const m = median(xs);
    const verdict = m <= BUDGET_MS ? 'met' : `MISSED by ${Math.round(m - BUDGET_MS)} ms`;
    console.log(
      `warm start offline (${label}) to ${what}: median ${Math.round(m)} ms of ${xs.length}` +
        ` (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))})` +
        ` (budget <= ${BUDGET_MS} ms: ${verdict})`,
    );
  };
  // The first QR is the counter's (counter/) on a build that has it; mw:qr-shown is the app's.
  line('the first QR svg in the DOM', svgs);
  line("the app's QR (mark mw:qr-shown)", marks);
} finally {
  await browser.close();
}
