// Makes app/vendor/liff-<version>.js: the LINE LIFF SDK as one ES module, the pluggable core
// (developers.line.biz/en/docs/liff/pluggable-sdk/) with only the modules the wallet calls
// (app/src/platform/liff.rs), minified. Its default export is the `liff` object, ready for
// `liff.init`. The file is committed: building or testing the wallet never runs this.
//
//   cd tools/liff && npm ci && node build.mjs
//
// The same lockfile gives the same file (esbuild and @line/liff are pinned in package.json).
import { build } from 'esbuild';
import { readFileSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const version = JSON.parse(
  readFileSync(path.join(here, 'node_modules/@line/liff/package.json'), 'utf8'),
).version;
const vendor = path.join(here, '../../app/vendor');

// What the wallet uses; everything else of the SDK stays out.
const modules = {
  GetProfile: 'get-profile',
  GetIDToken: 'get-id-token',
  IsInClient: 'is-in-client',
  IsLoggedIn: 'is-logged-in',
  Login: 'login',
  IsApiAvailable: 'is-api-available',
  ScanCodeV2: 'scan-code-v2',
  ShareTargetPicker: 'share-target-picker',
  PermanentLink: 'permanent-link',
};
const entry =
  `import liff from '@line/liff/core';\n` +
  Object.entries(modules)
    .map(([name, file]) => `import ${name} from '@line/liff/${file}';\n`)
    .join('') +
  Object.keys(modules)
    .map((name) => `liff.use(new ${name}());\n`)
    .join('') +
  `export default liff;\n`;

const out = path.join(vendor, `liff-${version}.js`);
const result = await build({
  stdin: { contents: entry, resolveDir: here, sourcefile: 'liff-entry.mjs' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2019',
  platform: 'browser',
  legalComments: 'eof',
  write: false,
});
// Older bundles of other versions go: index.html names exactly one.
for (const name of readdirSync(vendor)) {
  if (/^liff-.*\.js$/.test(name) && name !== path.basename(out)) rmSync(path.join(vendor, name));
}
const banner = `/* @line/liff ${version} (Apache-2.0), pluggable core + ${Object.values(modules).join(', ')}; made by tools/liff/build.mjs */\n`;
writeFileSync(out, banner + result.outputFiles[0].text);
console.log(`${path.relative(process.cwd(), out)}: ${readFileSync(out).length} bytes`);
