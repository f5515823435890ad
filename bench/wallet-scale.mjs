#!/usr/bin/env node
// A wallet with 100 memberships and 10,000 ledger entries (DESIGN.md section 9: "stays instant:
// first paint of the wallet list <= 100 ms after start; long lists are windowed"). Set-up, all real:
//   1. the reference server (--demo, a throwaway SQLite database); 100 memberships enrolled over
//      HTTP (POST /v1/enroll with the demo join codes, which make a new membership every time);
//   2. 10,000 `ledger_entry` entities and their `points_balance` for the last café membership,
//      through the server's own entity writes (server/examples/seed_entities.rs --points-balance);
//   3. a fresh Chromium profile (390x844 phone): the wallet opens once (it makes its database),
//      the 100 enroll answers are stored as the app stores a join (StoredMembership), and the
//      wallet is opened again: its own sync pulls every membership, the 10,000 entries among them.
// Then, per CPU rate (1x, then 4x slower with CDP Emulation.setCPUThrottlingRate):
//   - first paint of the wallet list: RUNS warm loads of `/` (the service worker controls the page,
//     the data is in IndexedDB), each from navigation start to
//       mark:    the `mw:wallet-list-shown` performance mark (app/src/pages/home_list.rs: the
//                list's first window of tiles built), also printed from the `mw:app-start` mark
//                (app/src/lib.rs: the wasm compiled and its start function entered), and
//       painted: the first frame after a screen of tiles (5) is in the DOM (a MutationObserver
//                installed before any page script, then requestAnimationFrame and a task after
//                the frame);
//     the wallet's start-up sync of the 100 memberships finishes between loads;
//   - ledger scroll frame times at /m/ID/points: requestAnimationFrame deltas while
//       fling:   CDP Input.synthesizeScrollGesture, a mouse-wheel scroll of about 30,000 CSS px
//                in 5 s (asked for as 15,000 px at 6,000 px/s: at device scale 2 it goes twice as
//                far); the real input path: compositor scroll, scroll events, the window
//                re-rendered (headless Chromium ignores synthesized touch scrolls);
//       to end:  the list scrolled from the first entry to the 10,000th in 300 frames (~2,100 px
//                a frame, so every frame draws a completely new window of rows).
//     Printed: median, p95 and max frame time and the frames over 16.7 ms (a dropped frame at
//     60 Hz), and the most ledger rows in the DOM at once;
//   - a background sync with nothing new on the card with 10,000 ledger entries (the card asks
//     for one every 15 s): the main thread's long tasks (> 50 ms) during the pass.
// The machine's load average is printed first: the figures move with it.
//
//   node bench/wallet-scale.mjs [--runs 5] [--cpu 1,4] [--entries 10000] [--memberships 100]
//
// Needs target/server/wallet-server, target/server/examples/seed_entities and dist/
// (bench/wallet-scale.sh builds the first two). Playwright comes from e2e/node_modules; the
// browser is Debian's Chromium (bench/lib.mjs).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import {
  builtDist, launchBrowser, median, option, PHONE, quantile, seedBin, startServer, stopServer,
  throttleCpu,
} from './lib.mjs';

const BUDGET_MS = 100; // DESIGN.md section 9
const FRAME_MS = 1000 / 60;

const runs = Number(option('--runs', 5));
const cpus = String(option('--cpu', '1,4')).split(',').map(Number);
const entries = Number(option('--entries', 10_000));
const membershipCount = Number(option('--memberships', 100));
const CODES = ['CAFE', 'BOOKS', 'YAKINIKU', 'RAMEN'];

/** POST /v1/enroll; the answer as the app stores it (StoredMembership, app/src/membership.rs). */
async function enroll(base, code, joinedAt) {
  const res = await fetch(new URL('/v1/enroll', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ join_code: code }),
  });
  if (res.status !== 200) throw new Error(`enroll ${code}: ${res.status} ${await res.text()}`);
  const body = await res.json();
  return {
    id: body.membership.id, issuer: new URL(base).origin, join_code: code,
    token: body.membership.token, totp: body.totp, merchant: body.merchant,
    member_since: body.membership.member_since, joined_at: joinedAt,
  };
}

/** In the page: puts the memberships into the wallet's store in one transaction. */
function storeMemberships(records) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('member-wallet');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction('memberships', 'readwrite');
      for (const record of records) tx.objectStore('memberships').put(record);
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  });
}

/** Before any page script: when the wallet list first holds a screen of tiles (N, or all of a
 * smaller wallet: the list is windowed, app/src/pages/home_list.rs), and the frame after it. */
function watchList(count) {
  // Every /v1/sync request is counted from Resource Timing (100 a pass): more than the default 250.
  performance.setResourceTimingBufferSize(100_000);
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no Long Tasks API: the detail line shows none
  }
  new MutationObserver((_, observer) => {
    const list = document.querySelector('[data-testid="wallet-list"]');
    if (list && list.querySelectorAll('[data-testid="membership-tile"]').length >= count) {
      observer.disconnect();
      window.__tilesAt = performance.now();
      requestAnimationFrame(() => setTimeout(() => { window.__paintedAt = performance.now(); }, 0));
    }
  }).observe(document, { childList: true, subtree: true });
}

/** Waits until the wallet's sync line says "synced" (the start-up pass of every membership). */
async function waitSynced(page) {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="sync-status"]')?.textContent.includes('已同步'),
    undefined, { timeout: 120_000 },
  );
}

/** Waits until no /v1/sync request has been made for `quietMs` (the start-up pass is over). */
async function waitSyncQuiet(page, atLeast, quietMs = 1500) {
  await page.waitForFunction(({ atLeast, quietMs }) => {
    const syncs = performance.getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname === '/v1/sync');
    if (syncs.length < atLeast) return false;
    const last = Math.max(...syncs.map((e) => e.responseEnd));
    return performance.now() - last > quietMs;
  }, { atLeast, quietMs }, { timeout: 120_000, polling: 250 });
}

const ms = (x) => `${x.toFixed(1)} ms`;

function frameLine(label, frames, rowsMax, cpu) {
  const dropped = frames.filter((f) => f > FRAME_MS + 0.5).length;
  const cpuNote = cpu > 1 ? `, CPU ${cpu}x slower` : '';
  return `ledger scroll, ${entries} entries, ${label}${cpuNote}: frame median ${ms(median(frames))}, ` +
    `p95 ${ms(quantile(frames, 0.95))}, max ${ms(Math.max(...frames))}, ` +
    `${dropped} of ${frames.length} frames > 16.7 ms; at most ${rowsMax} rows in the DOM`;
}

console.log(`wallet-scale: load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const dir = mkdtempSync(path.join(tmpdir(), 'wallet-bench-scale-'));
// A snapshot of dist/: a build running meanwhile must not swap files under the service worker.
const dist = path.join(dir, 'dist');
cpSync(builtDist, dist, { recursive: true });
const databaseUrl = `sqlite://${dir}/wallet.db?mode=rwc`;
const server = await startServer(databaseUrl, dist);
const browser = await launchBrowser();
try {
  // 1-2. The issuer's side.
  const now = Date.now();
  const records = [];
  for (let i = 0; i < membershipCount; i++) {
    records.push(await enroll(server.url, CODES[(membershipCount - 1 - i) % CODES.length], now - i * 1000));
  }
  const cafe = records[membershipCount - 1];
  execFileSync(seedBin, ['--database-url', databaseUrl, '--membership', cafe.id,
    '--count', String(entries), '--points-balance'], { stdio: ['ignore', 'ignore', 'inherit'] });

  // 3. The wallet's side.
  const context = await browser.newContext({
    ...PHONE, baseURL: server.url,
  });
  await context.addInitScript(watchList, Math.min(membershipCount, 5));
  const setup = await context.newPage();
  await setup.goto('/');
  await setup.waitForSelector('[data-testid="wallet-empty"]');
  await setup.evaluate(storeMemberships, records);
  const pullStart = Date.now();
  await setup.reload();
  await waitSynced(setup);
  const pullSecs = (Date.now() - pullStart) / 1000;
  await setup.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 })
    .catch(() => {});
  await setup.close();
  console.log(`wallet-scale set-up: ${membershipCount} memberships enrolled, ${entries} ledger entries seeded; ` +
    `the wallet's first sync of all of them took ${pullSecs.toFixed(1)} s`);

  for (const cpu of cpus) {
    const cpuNote = cpu > 1 ? `, CPU ${cpu}x slower` : '';
    const throttle = (page) => throttleCpu(context, page, cpu);

    // First paint of the wallet list: one warm-up load, then RUNS loads.
    const marks = [];
    const afterStart = [];
    const painted = [];
    let controlled = true;
    for (let i = 0; i <= runs; i++) {
      const page = await context.newPage();
      await throttle(page);
      await page.goto('/', { waitUntil: 'commit' });
      await page.waitForFunction(() => window.__paintedAt !== undefined
        && performance.getEntriesByName('mw:wallet-list-shown').length > 0, undefined, { timeout: 60_000 });
      const t = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const resource = (suffix) => performance.getEntriesByType('resource').find((e) => e.name.endsWith(suffix));
        return {
          mark: performance.getEntriesByName('mw:wallet-list-shown')[0].startTime,
          appStart: performance.getEntriesByName('mw:app-start')[0]?.startTime,
          painted: window.__paintedAt,
          controlled: navigator.serviceWorker?.controller != null,
          html: nav.responseEnd,
          js: resource('.js')?.responseEnd,
          wasm: resource('.wasm')?.responseEnd,
          dcl: nav.domContentLoadedEventEnd,
          fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
          longTasks: window.__longTasks.slice(),
        };
      });
      if (process.env.WALLET_SCALE_DETAIL) {
        const f = (x) => (x === undefined ? '-' : Math.round(x));
        console.log(`  load ${i}: html ${f(t.html)}, js ${f(t.js)}, wasm ${f(t.wasm)}, DOMContentLoaded ${f(t.dcl)}, ` +
          `first contentful paint ${f(t.fcp)}, list ${f(t.mark)}, its frame ${f(t.painted)} ms; ` +
          `long tasks [start, ms]: ${JSON.stringify(t.longTasks)}`);
      }
      // Let the start-up sync of every membership finish before the next load.
      await waitSynced(page);
      await page.close();
      if (i === 0) continue;
      marks.push(t.mark);
      if (t.appStart !== undefined) afterStart.push(t.mark - t.appStart);
      painted.push(t.painted);
      controlled &&= t.controlled;
    }
    console.log(`wallet list first paint, ${membershipCount} memberships${cpuNote}: ` +
      `median ${Math.round(median(marks))} ms to the list (mw:wallet-list-shown, ` +
      `${Math.round(Math.min(...marks))}-${Math.round(Math.max(...marks))}), ` +
      `${Math.round(median(painted))} ms to its frame, median of ${runs} warm loads ` +
      `(${controlled ? 'service worker' : 'network'}) (budget ${BUDGET_MS} ms)`);
    if (afterStart.length) {
      console.log(`wallet list first paint after the app started (mw:app-start: wasm compiled, ` +
        `its start function entered), ${membershipCount} memberships${cpuNote}: median ` +
        `${Math.round(median(afterStart))} ms (budget ${BUDGET_MS} ms)`);
    }

    // Ledger scroll frame times.
    const page = await context.newPage();
    const cdp = await throttle(page);
    await page.goto(`/m/${cafe.id}/points`);
    await page.waitForSelector('[data-testid="ledger-row"]');
    // The start-up sync (one request per membership) and the re-read after it, before measuring.
    await waitSyncQuiet(page, membershipCount);
    await page.waitForTimeout(500);

    const startFrames = () => page.evaluate(() => {
      const list = document.querySelector('[data-testid="windowed-list"]');
      window.__frames = [];
      window.__rowsMax = 0;
      window.__framesOn = true;
      let last = null;
      const tick = (t) => {
        if (last !== null) window.__frames.push(t - last);
        last = t;
        window.__rowsMax = Math.max(window.__rowsMax, list.querySelectorAll('[data-testid="ledger-row"]').length);
        if (window.__framesOn) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const stopFrames = () => page.evaluate(() => {
      window.__framesOn = false;
      return { frames: window.__frames, rowsMax: window.__rowsMax };
    });

    // Fling: a touch scroll gesture through the compositor.
    const box = await page.getByTestId('windowed-list').boundingBox();
    await startFrames();
    await cdp.send('Input.synthesizeScrollGesture', {
      x: Math.round(box.x + box.width / 2), y: Math.round(box.y + box.height * 0.8),
      yDistance: -15_000, speed: 6_000, gestureSourceType: 'mouse', repeatCount: 1,
    });
    const fling = await stopFrames();
    const flung = await page.getByTestId('windowed-list').evaluate((el) => el.scrollTop);
    const flingMs = fling.frames.reduce((a, b) => a + b, 0);
    console.log(frameLine(`wheel fling ${Math.round(flung).toLocaleString('en-US')} px in ${(flingMs / 1000).toFixed(1)} s`,
      fling.frames, fling.rowsMax, cpu));

    // Start to end: every frame a new window.
    await page.getByTestId('windowed-list').evaluate((el) => { el.scrollTop = 0; });
    await page.waitForTimeout(300);
    const end = await page.evaluate(() => new Promise((resolve) => {
      const list = document.querySelector('[data-testid="windowed-list"]');
      const max = list.scrollHeight - list.clientHeight;
      const step = Math.ceil(max / 300);
      const frames = [];
      let rowsMax = 0;
      let last = null;
      const tick = (t) => {
        if (last !== null) frames.push(t - last);
        last = t;
        rowsMax = Math.max(rowsMax, list.querySelectorAll('[data-testid="ledger-row"]').length);
        if (list.scrollTop >= max) {
          // One more frame: the last window drawn.
          requestAnimationFrame((t2) => {
            frames.push(t2 - last);
            const rows = [...list.querySelectorAll('.windowed-row')];
            const bottom = rows.map((r) => parseFloat(r.style.top)).sort((a, b) => b - a)[0];
            resolve({ frames, rowsMax, lastTop: bottom, rowHeight: rows[0]?.offsetHeight });
          });
          return;
        }
        list.scrollTop = Math.min(max, list.scrollTop + step);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }));
    const lastIndex = Math.round(end.lastTop / end.rowHeight);
    if (lastIndex !== entries - 1) throw new Error(`the end of the ledger drew row ${lastIndex}, not ${entries - 1}`);
    console.log(frameLine(`first to last entry in ${end.frames.length} frames`, end.frames, end.rowsMax, cpu));
    await page.close();

    // A background sync with nothing new (as the card asks for every 15 s while shown), on the
    // card whose points have 10,000 ledger entries: the main thread's long tasks (> 50 ms) from
    // the pass's start to 1 s after its last request.
    const card = await context.newPage();
    await throttle(card);
    await card.goto(`/m/${cafe.id}`);
    await card.getByTestId('points-balance').waitFor();
    await waitSyncQuiet(card, membershipCount);
    await card.waitForTimeout(500);
    const before = await card.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => new URL(e.name).pathname === '/v1/sync').length);
    const passStart = await card.evaluate(() => {
      window.__passTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__passTasks.push(e.duration);
      }).observe({ type: 'longtask' });
      document.dispatchEvent(new Event('visibilitychange'));
      return performance.now();
    });
    await waitSyncQuiet(card, before + membershipCount, 1000);
    const pass = await card.evaluate((start) => ({ tasks: window.__passTasks, ms: performance.now() - start }), passStart);
    const total = pass.tasks.reduce((a, b) => a + b, 0);
    console.log(`background sync of ${membershipCount} memberships with nothing new, on the card with ` +
      `${entries} ledger entries${cpuNote}: ${pass.tasks.length} long tasks, ${Math.round(total)} ms in all, ` +
      `longest ${Math.round(Math.max(0, ...pass.tasks))} ms (over ${(pass.ms / 1000).toFixed(1)} s)`);
    await card.close();
  }
  await context.close();
} finally {
  await browser.close();
  await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
}
