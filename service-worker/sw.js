// Member Wallet's service worker: the app shell offline, and updates the customer chooses.
//
// service-worker/generate.mjs writes this file into dist/sw.js after every release build, with
// PRECACHE (every file of dist/ and its SHA-256) and VERSION (a hash of that list) filled in, so
// the worker's bytes change exactly when a shipped file changes. That is what makes the browser
// install a new worker.
//
// - install: fetches the precache list into a cache named after VERSION; a file whose bytes do
//   not hash to the listed revision fails the install, so a half-deployed release never becomes
//   the offline copy. Files that did not change are copied from the previous cache, not fetched.
//   The new worker then WAITS: the page shows "Update available", and only the customer's tap
//   (a SKIP_WAITING message) activates it.
// - activate: deletes the caches of older versions, takes control of open pages.
// - fetch: navigations get the cached index.html (the app routes on the client); precached files
//   come from the cache; the API (/v1/...) and every cross-origin request go to the network and
//   are never cached: IndexedDB is the wallet's store, not this cache.
//
// The cache keeps the network's own responses (checked, not rebuilt): Chrome keeps the compiled
// code of a WebAssembly module beside a cached response that has a URL, so a warm start from the
// cache skips compiling the wasm again. A response rebuilt with `new Response(body)` has no URL and
// loses that (shared/RESEARCH.md, "Startup and size"; bench/startup-trace.mjs shows the hit).
'use strict';

const PRECACHE = /*__MW_PRECACHE__*/ [];
const VERSION = '__MW_VERSION__';
const CACHE_PREFIX = 'mw-precache-';
const CACHE = CACHE_PREFIX + VERSION;
const SHELL = '/index.html';

const precached = new Map(PRECACHE.map((entry) => [entry.url, entry.revision]));

self.addEventListener('install', (event) => {
  event.waitUntil(precache());
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
      );
      // The first worker controls the page that registered it at once (no reload needed for
      // offline). A later worker activates only after the customer's tap, and the page reloads.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // Cross-origin (other issuers, LINE) and the API: the network only, never a cached answer.
  if (url.origin !== self.location.origin) return;
  if (url.pathname === '/v1' || url.pathname.startsWith('/v1/')) return;
  if (request.mode === 'navigate' && !isFile(url.pathname)) {
    event.respondWith(shell(request));
    return;
  }
  if (precached.has(url.pathname)) event.respondWith(fromPrecache(request, url.pathname));
});

/** A path naming a file (`/sw.js`, `/icons/icon-192.png`) rather than an app route (`/m/…`). */
function isFile(pathname) {
  if (pathname === SHELL) return false;
  return precached.has(pathname) || /\.[a-z0-9]+$/i.test(pathname);
}

async function shell(request) {
  const cached = await caches.match(SHELL, { cacheName: CACHE });
  return cached || fetch(request);
}

async function fromPrecache(request, pathname) {
  const cached = await caches.match(pathname, { cacheName: CACHE });
  return cached || fetch(request);
}

async function precache() {
  const cache = await caches.open(CACHE);
  const older = (await caches.keys()).filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE);
  // One at a time would be slow; all at once would starve the page on a phone. Four in flight.
  const queue = PRECACHE.slice();
  const worker = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      await precacheOne(cache, older, entry);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

async function precacheOne(cache, older, { url, revision }) {
  for (const name of older) {
    const previous = await caches.match(url, { cacheName: name });
    if (previous && (await sha256(await previous.clone().arrayBuffer())) === revision) {
      await cache.put(url, previous);
      return;
    }
  }
  // `no-cache`: the HTTP cache may answer only after the server confirms it is current.
  const response = await fetch(new Request(url, { cache: 'no-cache', credentials: 'same-origin' }));
  if (!response.ok) throw new Error(`precache ${url}: HTTP ${response.status}`);
  const actual = await sha256(await response.clone().arrayBuffer());
  if (actual !== revision) {
    throw new Error(`precache ${url}: content ${actual} is not revision ${revision} (deploy in progress?)`);
  }
  await cache.put(url, response.redirected ? await rebuilt(response) : response);
}

/** A redirected response cannot answer a navigation: a plain copy of it (rare; no code cache). */
async function rebuilt(response) {
  const body = await response.arrayBuffer();
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function sha256(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex.slice(0, 32);
}
