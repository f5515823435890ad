#!/usr/bin/env node
// Bytes fetched before the member QR is drawn on a card route, on a first visit: the card is in
// IndexedDB but there is no service worker and nothing in the HTTP cache (a wallet opened in a
// browser without a worker, or after the worker was evicted). Lists every request the page made
// before the QR's <svg> appeared, with its size as the server sends it with brotli (the .br
// sibling in dist/, which the server serves to a browser asking for br), and the total against
// the budget (DESIGN.md section 9: <= 80 KB brotli).
//
//   node bench/card-first-visit.mjs [--dist DIR]      (default: WALLET_DIST or dist/)
//
// Starts the reference server (WALLET_SERVER_BIN) with --demo on a throwaway database.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtDist, launchBrowser, option, PHONE, startServer, stopServer, watchQrSvg } from './lib.mjs';

const BUDGET_KB = 80;
const dist = path.resolve(option('--dist', builtDist));
const dir = mkdtempSync(path.join(tmpdir(), 'wallet-card-bytes-'));
const server = await startServer(`sqlite://${dir}/bench.db?mode=rwc`, dist);
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ ...PHONE, serviceWorkers: 'block' });
  await watchQrSvg(context);
  const page = await context.newPage();
  const issuer = new URL(server.url).origin;
  await page.goto(new URL(`/join?issuer=${encodeURIComponent(issuer)}&code=CAFE`, server.url).href);
  await page.waitForURL(/\/m\/[0-9A-Z]{12}$/, { timeout: 30_000 });
  const card = page.url();
  await page.close();

  const visit = await context.newPage();
  const cdp = await context.newCDPSession(visit);
  await cdp.send('Network.clearBrowserCache');
  await visit.goto(card, { waitUntil: 'commit' });
  await visit.waitForFunction(() => window.__qrSvgAt !== undefined, undefined, { timeout: 30_000 });
  const { qrAt, requests } = await visit.evaluate(() => ({
    qrAt: window.__qrSvgAt,
    requests: [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
      .filter((e) => e.startTime <= window.__qrSvgAt)
      .map((e) => ({ url: e.name, transfer: e.transferSize })),
  }));
  let total = 0;
  console.log(`card route, first visit (no service worker, empty HTTP cache): requests started before the QR was drawn (${Math.round(qrAt)} ms)`);
  for (const { url, transfer } of requests) {
    let file = new URL(url).pathname.slice(1);
    if (!existsSync(path.join(dist, file)) || file === '') file = 'index.html'; // a route: the app's page
    const br = path.join(dist, `${file}.br`);
    const bytes = existsSync(br) ? statSync(br).size : statSync(path.join(dist, file)).size;
    total += bytes;
    console.log(`  ${new URL(url).pathname.padEnd(44)} ${(bytes / 1024).toFixed(1).padStart(7)} KB brotli (${(transfer / 1024).toFixed(1)} KB on the wire here)`);
  }
  const kb = total / 1024;
  const verdict = kb <= BUDGET_KB ? 'met' : `MISSED by ${(kb - BUDGET_KB).toFixed(1)} KB`;
  console.log(`bytes fetched before the QR on a card route, first visit: ${kb.toFixed(1)} KB brotli (budget <= ${BUDGET_KB} KB: ${verdict})`);
} finally {
  await browser.close();
  await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
}
