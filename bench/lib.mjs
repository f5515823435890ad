// What the browser benches share: Playwright with Debian's Chromium, a phone-sized context, the
// reference server on a throwaway database, option parsing and quantiles.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Playwright comes from e2e/node_modules: one install serves the tests and the benches.
const require = createRequire(new URL('../e2e/package.json', import.meta.url));
export const { chromium } = require('@playwright/test');

/** Debian's Chromium without the background traffic that would blur the timings. */
export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const serverBin =
  process.env.WALLET_SERVER_BIN ?? path.join(root, 'target/server/wallet-server');
export const seedBin = path.join(root, 'target/server/examples/seed_entities');
export const builtDist = process.env.WALLET_DIST ?? path.join(root, 'dist');

/** The value after `--name` on the command line, or `fallback`. */
export function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
}

/**
 * Headless Debian Chromium without the background traffic that would blur the timings;
 * `extraArgs` adds flags (e.g. the fake camera).
 */
export function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs, ...extraArgs],
  });
}

/** A 390x844 phone in Taipei, reading zh-TW. */
export const PHONE = {
  viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  locale: 'zh-TW', timezoneId: 'Asia/Taipei',
};

/**
 * The reference server with demo data on `databaseUrl`, serving `dist`; resolves to its URL.
 * Without the joins-per-minute limit: wallet-scale joins 100 times from one address.
 */
export async function startServer(databaseUrl, dist = builtDist) {
  const proc = spawn(serverBin, ['--demo', '--host', '127.0.0.1', '--port', '0', '--dist', dist,
    '--database-url', databaseUrl, '--enroll-limit', '0', '--sync-limit', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /Member Wallet is running: open (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`wallet-server exited (${code})`)));
  });
  return { proc, url };
}

export async function stopServer(server) {
  server.proc.kill('SIGTERM');
  await new Promise((resolve) => server.proc.once('exit', resolve));
}

/**
 * Slows `page`'s CPU `rate` times, as Lighthouse's mobile profile does with 4. Resolves to the
 * page's CDP session, for more.
 */
export async function throttleCpu(context, page, rate) {
  const cdp = await context.newCDPSession(page);
  if (rate > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return cdp;
}

/**
 * Records in `window.__qrSvgAt` when the member card's QR <svg> first appears (installed before
 * any page script, so it sees the first frame).
 */
export async function watchQrSvg(context) {
  await context.addInitScript(() => {
    const seen = () => document.querySelector('[data-testid="member-qr"] svg');
    new MutationObserver((_, observer) => {
      if (seen()) {
        window.__qrSvgAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
}

/**
 * The first visit, online: joins the demo café at `base`, waits until the service worker
 * controls the page (it has precached the app then), and cuts the network. Resolves to the
 * card's URL, for warm starts from the worker's cache.
 */
export async function joinOnceThenGoOffline(context, base) {
  const first = await context.newPage();
  const issuer = new URL(base).origin;
  await first.goto(new URL(`/join?issuer=${encodeURIComponent(issuer)}&code=CAFE`, base).href);
  await first.waitForURL(/\/m\/[0-9A-Z]{12}$/, { timeout: 30_000 });
  const card = first.url();
  await first.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 });
  await first.close();
  await context.setOffline(true);
  return card;
}

export function quantile(xs, q) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
