#!/usr/bin/env node
// Changes per second applied into IndexedDB by the real app, for a pull of COUNT entities
// (DESIGN.md section 9: 10,000 changed entities in <= 2 s). Per run:
//   1. the reference server (--demo, a throwaway SQLite database) and a fresh Chromium profile;
//      the wallet joins the demo café through its join link and makes its first sync;
//   2. COUNT `ledger_entry` entities are written for that membership on the server
//      (server/examples/seed_entities.rs: the server's own entity write path, one version each);
//   3. the wallet is opened again: its start-up sync pulls them, 500 per page (`more`), each page
//      validated and applied in one IndexedDB transaction by the app's sync engine.
// Timed in the page, from the start of the first /v1/sync request (Resource Timing) to the sync
// line first saying "已同步" (a MutationObserver installed before any page script). The time
// spent waiting for answers (request start to response end, per page) is also subtracted to show
// the wallet's own share: parse, validate, apply. Every entity is checked to be in IndexedDB.
//
//   node bench/sync-apply.mjs [--count 10000] [--runs 3] [--cpu N]
//
// Needs target/server/wallet-server, target/server/examples/seed_entities and dist/
// (bench/sync-apply.sh builds the first two). --cpu N slows the CPU N times (CDP).
// SYNC_APPLY_PAGES=1 also prints, per page, the wallet's time from an answer to its next request.
// Playwright comes from e2e/node_modules; the browser is Debian's Chromium (bench/lib.mjs).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  launchBrowser, median, option, PHONE, seedBin, startServer, stopServer, throttleCpu,
} from './lib.mjs';

const BUDGET_S = 2; // DESIGN.md section 9, for 10,000 entities

const count = Number(option('--count', 10_000));
const runs = Number(option('--runs', 3));
const cpu = Number(option('--cpu', 1));

/** Records when the sync line first says "synced", before any script of the page runs. */
function watchSyncLine() {
  new MutationObserver((_, observer) => {
    const line = document.querySelector('[data-testid="sync-status"]');
    if (line && line.textContent.includes('已同步')) {
      window.__syncedAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true, characterData: true });
}

/** In the page: how many entities, and the first sync cursor, the wallet holds for `id`. */
function readWallet(id) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('member-wallet');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('entities')) {
        db.close();
        resolve({ entities: 0, cursor: null });
        return;
      }
      const tx = db.transaction(['entities', 'sync_state']);
      const range = IDBKeyRange.bound([id], [id, []]);
      const n = tx.objectStore('entities').count(range);
      const state = tx.objectStore('sync_state').get(id);
      tx.oncomplete = () => {
        db.close();
        resolve({ entities: n.result, cursor: state.result?.cursor ?? null });
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'wallet-bench-apply-'));
const databaseUrl = `sqlite://${dir}/wallet.db?mode=rwc`;
const server = await startServer(databaseUrl);
const browser = await launchBrowser();
const results = [];
try {
  for (let run = 1; run <= runs; run++) {
    const context = await browser.newContext({
      ...PHONE, baseURL: server.url,
    });
    await context.addInitScript(watchSyncLine);
    const first = await context.newPage();
    const issuer = new URL(server.url).origin;
    await first.goto(`/join?issuer=${encodeURIComponent(issuer)}&code=CAFE`);
    await first.waitForURL(/\/m\/[0-9A-Z]{12}$/, { timeout: 30_000 });
    const id = /\/m\/([0-9A-Z]{12})$/.exec(first.url())[1];
    // The first sync after joining (polled: IndexedDB is read asynchronously).
    for (let i = 0; i < 300 && (await first.evaluate(readWallet, id)).cursor === null; i++) {
      await first.waitForTimeout(100);
    }
    const before = await first.evaluate(readWallet, id);
    if (before.cursor === null) throw new Error('the first sync after joining never happened');
    await first.close();

    execFileSync(seedBin, ['--database-url', databaseUrl, '--membership', id, '--count', String(count)], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });

    const page = await context.newPage();
    await throttleCpu(context, page, cpu);
    await page.goto('/');
    await page.waitForFunction(() => window.__syncedAt !== undefined, undefined, { timeout: 120_000 });
    const timing = await page.evaluate(() => ({
      syncedAt: window.__syncedAt,
      syncs: performance.getEntriesByType('resource')
        .filter((e) => new URL(e.name).pathname === '/v1/sync')
        .map((e) => ({ start: e.startTime, end: e.responseEnd, bytes: e.encodedBodySize })),
    }));
    const after = await page.evaluate(readWallet, id);
    if (after.entities !== before.entities + count) {
      throw new Error(`the wallet holds ${after.entities} entities, expected ${before.entities + count}`);
    }
    if (process.env.SYNC_APPLY_PAGES) {
      const gaps = timing.syncs.map((s, i) => Math.round((timing.syncs[i + 1]?.start ?? timing.syncedAt) - s.end));
      console.log(`  per page, ms after each answer until the next request: ${gaps.join(' ')}`);
    }
    const start = timing.syncs[0].start;
    const totalMs = timing.syncedAt - start;
    const waitingMs = timing.syncs.reduce((sum, s) => sum + (s.end - s.start), 0);
    results.push({ totalMs, walletMs: totalMs - waitingMs, pages: timing.syncs.length,
      bytes: timing.syncs.reduce((sum, s) => sum + s.bytes, 0) });
    console.log(`run ${run}: ${count} entities in ${timing.syncs.length} pages, ` +
      `${(totalMs / 1000).toFixed(2)} s (waiting for the issuer ${(waitingMs / 1000).toFixed(2)} s)`);
    await context.close();
  }
} finally {
  await browser.close();
  await stopServer(server);
  rmSync(dir, { recursive: true, force: true });
}

const total = median(results.map((r) => r.totalMs)) / 1000;
const wallet = median(results.map((r) => r.walletMs)) / 1000;
const budget = (BUDGET_S * count) / 10_000;
const cpuNote = cpu > 1 ? `, CPU ${cpu}x slower` : '';
console.log(`sync apply: ${count} entities in ${total.toFixed(2)} s = ${Math.round(count / total)} changes/s, ` +
  `first request to "synced", median of ${runs}${cpuNote} (budget ${budget} s)`);
console.log(`sync apply, the wallet's share (parse, validate, IndexedDB): ${wallet.toFixed(2)} s = ` +
  `${Math.round(count / wallet)} changes/s`);
console.log(`sync apply: ${results[0].pages} pages, ${Math.round(results[0].bytes / 1024)} KB on the wire`);
