#!/usr/bin/env node
// Rewrites how <dist>/index.html starts the app, after `trunk build`: Trunk preloads the wasm and
// the JS glue in <head> and starts them from a module script at once. On a first visit to the
// wallet home (no service worker yet, so from the network) that download, most of the first
// screen's bytes, competes with the page's first paint, the app shell of app/index.html; so there
// the app is fetched and started after the first frame. On a member card (window.mwCounter, set
// by app/index.html) it is fetched and started once the counter (counter/) has drawn the QR.
// Everywhere else (/join, a card's ledger) and on every start the service worker serves from its
// cache but a card's, the code is fetched from <head> and started as soon as the page is parsed.
//
//   node scripts/start-after-paint.mjs [dist]      (default: dist)
//
// Fails loudly if Trunk's output no longer looks as expected, rather than ship a page that does
// not start.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const file = path.join(path.resolve(process.argv[2] ?? 'dist'), 'index.html');
let html = readFileSync(file, 'utf8');

const preloads = /<link rel="(?:modulepreload|preload)" href="[^"]+\.(?:js|wasm)"[^>]*>\s*/g;
const starter = /<script type="module">\s*import init, \* as bindings from '([^']+\.js)';\s*const wasm = await init\(\{ module_or_path: '([^']+\.wasm)' \}\);[\s\S]*?<\/script>/;
const found = html.match(starter);
const preloadCount = (html.match(preloads) ?? []).length;
// The app's JS and wasm, and one modulepreload per wasm-bindgen snippet (app/src/platform/later.rs
// has one): all are dropped, the snippets being imported by the app's JS when it starts.
if (!found || preloadCount < 2) {
  console.error(`[start-after-paint] ${file}: Trunk's starter script or its preloads not found (preloads: ${preloadCount})`);
  process.exit(1);
}
const [, js, wasm] = found;
html = html.replace(preloads, '').replace(
  starter,
  `<script type="module">
// scripts/start-after-paint.mjs: on a first visit to the wallet home, after the shell's first frame.
let started = false;
async function start() {
  if (started) return;
  started = true;
  // The counter (counter/) no longer draws once this is set: its card would cover the app's page.
  window.mwAppStarted = true;
  const bindings = await import('${js}');
  const wasm = await bindings.default({ module_or_path: '${wasm}' });
  window.wasmBindings = bindings;
  dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
}
if (location.pathname === '/' && !navigator.serviceWorker?.controller) {
  // A hidden tab runs no animation frames: the timer starts it anyway (late enough that a busy
  // phone has painted first).
  requestAnimationFrame(() => setTimeout(start));
  setTimeout(start, 1000);
} else if (window.mwCounter) {
  // A member card: the counter (counter/) draws its QR first; the app's download and start would
  // only delay it. It settles whether or not it drew; after 3 s (a stalled read) the app starts
  // anyway.
  window.mwCounter.then(start, start);
  setTimeout(start, 3000);
} else {
  start();
}
</script>`,
);
// Everywhere but a first visit to the wallet home, fetch both as early as Trunk's preloads did.
const preloader = `<script>
      // scripts/start-after-paint.mjs: the app's code, fetched from the start except on a first
      // visit to the wallet home and on a member card, where the counter's QR comes first.
      if (!window.mwCounter && (location.pathname !== '/' || (navigator.serviceWorker && navigator.serviceWorker.controller))) {
        [['modulepreload', '${js}'], ['preload', '${wasm}']].forEach(function (p) {
          var link = document.createElement('link');
          link.rel = p[0];
          link.href = p[1];
          link.crossOrigin = 'anonymous';
          if (p[0] === 'preload') { link.as = 'fetch'; link.type = 'application/wasm'; }
          document.head.appendChild(link);
        });
      }
    </script>
  </head>`;
if (!html.includes('</head>')) {
  console.error(`[start-after-paint] ${file}: no </head>`);
  process.exit(1);
}
html = html.replace('</head>', preloader);
writeFileSync(file, html);
console.log(`[start-after-paint] ${file}: on a first visit to / the app starts after the first paint, at once otherwise`);
