#!/usr/bin/env node
// Writes <dist>/sw.js from service-worker/sw.js with the precache list of <dist> filled in:
// every file the app may need offline, each with the first 128 bits of its SHA-256 as revision,
// and VERSION = a hash of that list. Run after every release build (scripts/build-app.sh does),
// before compression, so sw.js gets its .br/.gz siblings like every other file.
//
//   node service-worker/generate.mjs [dist]      (default: dist)
//
// Not precached: sw.js itself, the precompressed .br/.gz siblings (the browser asks for the
// plain name and the server picks the encoding), and source maps.
// Prints one line: the number of files, their total size and the version.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.argv[2] ?? 'dist');
const template = readFileSync(path.join(here, 'sw.js'), 'utf8');

const SKIP = [/^sw\.js$/, /\.(br|gz|map)$/];

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

const revision = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 32);

const files = walk(dist)
  .map((full) => path.relative(dist, full).split(path.sep).join('/'))
  .filter((rel) => !SKIP.some((re) => re.test(rel)))
  .sort();
if (!files.includes('index.html')) {
  console.error(`[service-worker] ${dist}/index.html is missing: build the app first`);
  process.exit(1);
}

let bytes = 0;
const precache = files.map((rel) => {
  const content = readFileSync(path.join(dist, rel));
  bytes += content.length;
  return { url: `/${rel}`, revision: revision(content) };
});
const list = JSON.stringify(precache);
const version = revision(list).slice(0, 16);

const marker = '/*__MW_PRECACHE__*/ []';
if (!template.includes(marker) || !template.includes('__MW_VERSION__')) {
  console.error('[service-worker] sw.js lost its placeholders');
  process.exit(1);
}
const out = template.replace(marker, list).replace("'__MW_VERSION__'", JSON.stringify(version));
writeFileSync(path.join(dist, 'sw.js'), out);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `[service-worker] ${path.relative(process.cwd(), path.join(dist, 'sw.js')) || 'sw.js'}: ` +
    `precaches ${precache.length} files (${kb(bytes)}), version ${version}, worker ${kb(statSync(path.join(dist, 'sw.js')).size)}`,
);
