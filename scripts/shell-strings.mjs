#!/usr/bin/env node
// Writes the app shell's words (app/index.html paints the wallet home before the wasm arrives)
// into <dist>/index.html from the app's own locale files, so the shell and the app it gives way
// to say the same thing, in the same language, without a second copy to keep in step.
//
//   node scripts/shell-strings.mjs [dist]      (default: dist)
//
// Fails the build if the marker or a key is missing, or a string would need HTML escaping (the
// shell builds its markup from them).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// In the order app/index.html uses them.
const KEYS = ['wallet_title', 'switch_language', 'sync_now', 'wallet_empty_title',
  'wallet_empty_body', 'scan_cta', 'join_cta'];
const MARKER = '/* shell-strings */ null';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.join(path.resolve(process.argv[2] ?? 'dist'), 'index.html');
const fail = (why) => {
  console.error(`[shell-strings] ${why}`);
  process.exit(1);
};

const words = (locale) => {
  const all = JSON.parse(readFileSync(path.join(root, 'app/locales', `${locale}.json`), 'utf8'));
  return KEYS.map((key) => {
    const text = all[key];
    if (typeof text !== 'string') fail(`${locale}.json has no string "${key}"`);
    if (/[<>&]/.test(text)) fail(`${locale}.json "${key}" has a character the shell would have to escape`);
    return text;
  });
};

const html = readFileSync(file, 'utf8');
if (html.split(MARKER).length !== 2) fail(`${file}: the marker ${MARKER} is not there exactly once`);
writeFileSync(file, html.replace(MARKER, JSON.stringify({ zh: words('zh-TW'), en: words('en') })));
console.log(`[shell-strings] ${file}: the shell's words come from app/locales`);
