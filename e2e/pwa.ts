// Helpers of the PWA specs (service worker, offline start, updates): waiting for the worker, and
// "deploying" a new release into a copy of dist/ without rebuilding the app.
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { distDir } from './paths';

const generator = path.resolve(__dirname, '..', 'service-worker', 'generate.mjs');

/** The accessible name of the member QR in zh-TW (the suite's locale). */
export const QR_LABEL = '會員條碼，請店員掃描';

/**
 * Waits until a service worker controls the page: from then on the app starts with no network.
 * (The worker takes control when it has precached everything: that is its `activate`.)
 */
export async function waitForServiceWorkerControl(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout });
}

/** Whether a new worker is installed and waiting (an update the customer has not taken yet). */
export async function waitForWaitingWorker(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    async () => !!(await navigator.serviceWorker.getRegistration())?.waiting,
    undefined,
    { timeout, polling: 100 },
  );
}

/** The URLs of every Cache Storage cache of the page's origin, by cache name. */
export async function cachedUrls(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      out[name] = (await (await caches.open(name)).keys()).map((request) => request.url);
    }
    return out;
  });
}

/** A throwaway copy of the release build, for a server whose files a test changes. */
export function copyOfDist(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'wallet-dist-'));
  cpSync(distDir, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Deploys "a new release" into `dir` the way a real one changes it: index.html changes (it
 * carries `<meta name="mw-build" content=build>`, which the test can look for), then the service
 * worker's precache list is regenerated with the project's own generator, so sw.js changes too.
 * The changed files lose their stale .br/.gz siblings (the server then sends them as they are).
 */
export function deployRelease(dir: string, build: string): void {
  const index = path.join(dir, 'index.html');
  const html = readFileSync(index, 'utf8').replace(
    /<meta name="mw-build"[^>]*>\n?|(?=<\/head>)/,
    `<meta name="mw-build" content="${build}">\n`,
  );
  writeFileSync(index, html);
  execFileSync(process.execPath, [generator, dir], { stdio: 'pipe' });
  for (const file of ['index.html', 'sw.js']) {
    rmSync(path.join(dir, `${file}.br`), { force: true });
    rmSync(path.join(dir, `${file}.gz`), { force: true });
  }
}
