#!/usr/bin/env node
// Where the time of a warm start goes: a Chrome trace of offline starts of the member card from
// the service worker's cache, the CPU slowed 4x (as Lighthouse's mobile profile), one line per
// phase, for each start:
//   navigation -> the worker's answer (index.html), the counter's wasm fetched and its QR drawn
//   (`mw:counter-qr-shown`: counter/ draws the card before the app), the app's wasm fetched
//   (from the worker's cache), compiled, instantiated (the spans cover both modules), the app
//   started (`mw:app-start`), the app's QR drawn (`mw:qr-shown`, after IndexedDB was opened and
//   read and the card rendered: the hand-over), and the first QR <svg> in the DOM;
// and whether V8 took the module's compiled code from its cache (`v8.wasm.moduleCacheHit`,
// `v8.wasm.cachedModule`): the first start after install compiles and caches, the next ones
// should hit.
//
//   node bench/startup-trace.mjs http://127.0.0.1:8080/ [--cpu 4] [--runs 3] [--linger 5000] [--events]
//
// Each card stays open --linger ms after its QR is drawn (a customer holds it up to the cashier):
// V8 writes a module's code cache only after some of it has been optimised, seconds into a run.
// --events lists every wasm trace event seen (name, count, total ms), to see what V8 did.
// The server must be the reference server with --demo (the CAFE join code).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumArgs, chromium, joinOnceThenGoOffline, option, PHONE, throttleCpu, watchQrSvg } from './lib.mjs';

const base = process.argv.slice(2).find((a) => /^https?:/.test(a));
const cpu = Number(option('--cpu', 4));
const runs = Number(option('--runs', 3));
const listEvents = process.argv.includes('--events');
const lingerMs = Number(option('--linger', 5000));
if (!base) {
  console.error('usage: node bench/startup-trace.mjs URL [--cpu N] [--runs N] [--events]');
  process.exit(2);
}

const CATEGORIES = [
  'devtools.timeline', 'blink.user_timing', 'loading', 'v8', 'v8.wasm',
  'disabled-by-default-v8.wasm.detailed', 'disabled-by-default-v8.compile',
  'disabled-by-default-devtools.timeline',
];

// A profile on disk, as a phone's: Chrome keeps no code cache in an off-the-record context
// (Playwright's newContext), which would make every start a miss.
const profile = mkdtempSync(path.join(tmpdir(), 'wallet-trace-profile-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  // --js-flags passes V8 flags through, for experiments (e.g. --no-wasm-dynamic-tiering).
  args: [...chromiumArgs, ...(option('--js-flags') ? [`--js-flags=${option('--js-flags')}`] : [])],
  ...PHONE,
});
try {
  await watchQrSvg(context);
  const card = await joinOnceThenGoOffline(context, base);

  console.log(`startup trace: offline warm starts of the member card, ${cpu > 1 ? `${cpu}x CPU` : 'no throttling'}`);
  for (let run = 1; run <= runs; run++) {
    const page = await context.newPage();
    const cdp = await throttleCpu(context, page, cpu);
    const events = [];
    cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
    await cdp.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: { includedCategories: CATEGORIES },
    });
    await page.goto(card, { waitUntil: 'commit' });
    await page.waitForFunction(
      () => window.__qrSvgAt !== undefined && performance.getEntriesByName('mw:qr-shown').length > 0,
      undefined,
      { timeout: 30_000 },
    );
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resource = (re) => performance.getEntriesByType('resource').find((r) => re.test(r.name));
      const wasm = resource(/\/wallet-app-[^/]*_bg\.wasm$/);
      const counter = resource(/\/wallet-counter_bg\.wasm$/);
      const mark = (name) => performance.getEntriesByName(name)[0]?.startTime;
      return {
        swStart: nav.workerStart,
        shellEnd: nav.responseEnd,
        counterStart: counter?.startTime,
        counterEnd: counter?.responseEnd,
        counterQr: mark('mw:counter-qr-shown'),
        wasmStart: wasm?.startTime,
        wasmEnd: wasm?.responseEnd,
        appStart: mark('mw:app-start'),
        qrShown: mark('mw:qr-shown'),
        svg: window.__qrSvgAt,
      };
    });
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    // The customer holds the card up; V8 optimises hot functions and caches the module's code.
    await page.waitForTimeout(lingerMs);
    await page.close();
    report(run, timing, events);
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

/** One line per phase of this start, in ms from navigation start. */
function report(run, t, events) {
  const origin = events.find((e) => e.name === 'navigationStart')?.ts;
  const at = (ts) => (origin === undefined ? NaN : (ts - origin) / 1000);
  const wasmEvents = events.filter((e) => /wasm/i.test(e.cat ?? '') || /wasm/i.test(e.name ?? ''));
  const spans = (pattern) =>
    wasmEvents
      .filter((e) => pattern.test(e.name) && e.ph === 'X')
      .map((e) => ({ start: at(e.ts), end: at(e.ts + (e.dur ?? 0)), dur: (e.dur ?? 0) / 1000 }));
  const sum = (xs) => xs.reduce((a, x) => a + x.dur, 0);
  const range = (xs) =>
    xs.length ? `${fmt(Math.min(...xs.map((x) => x.start)))}-${fmt(Math.max(...xs.map((x) => x.end)))} ms` : 'none seen';
  const compile = spans(/compile|Compil|lazy/i);
  const instantiate = spans(/instantiat/i);
  const hit = wasmEvents.some((e) => /moduleCacheHit|cachedModule|DeserializeNativeModule|Deserialize/i.test(e.name));
  const compiledAndCached = wasmEvents.some((e) => /compiledModule|SerializeNativeModule|Serialize/i.test(e.name) && !/Deserialize/.test(e.name));
  console.log(`start ${run}:`);
  console.log(`  navigation -> worker started ${fmt(t.swStart)} ms, index.html answered ${fmt(t.shellEnd)} ms`);
  console.log(`  counter wasm fetched ${fmt(t.counterStart)}-${fmt(t.counterEnd)} ms, its QR drawn (mw:counter-qr-shown) ${fmt(t.counterQr)} ms`);
  console.log(`  app wasm fetched ${fmt(t.wasmStart)}-${fmt(t.wasmEnd)} ms`);
  console.log(`  wasm compiled ${range(compile)} (${fmt(sum(compile))} ms of compile work, main thread and background)`);
  console.log(`  wasm instantiated ${range(instantiate)} (${fmt(sum(instantiate))} ms)`);
  console.log(`  app started (mw:app-start) ${fmt(t.appStart)} ms`);
  console.log(`  IndexedDB read + first render -> the app's QR (mw:qr-shown, the hand-over) ${fmt(t.qrShown)} ms; first QR svg in the DOM ${fmt(t.svg)} ms`);
  console.log(`  wasm code cache: ${hit ? 'HIT (compiled code taken from the cache)' : 'miss'}${compiledAndCached ? '; code compiled and cached' : ''}`);
  if (listEvents) {
    const byName = new Map();
    for (const e of wasmEvents) {
      const entry = byName.get(e.name) ?? { count: 0, ms: 0 };
      entry.count += 1;
      entry.ms += (e.dur ?? 0) / 1000;
      byName.set(e.name, entry);
    }
    for (const [name, { count, ms }] of [...byName].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(`    ${name}: ${count}x, ${fmt(ms)} ms`);
    }
  }
}

function fmt(ms) {
  return ms === undefined || Number.isNaN(ms) ? '?' : Math.round(ms).toString();
}
