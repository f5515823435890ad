// Test fixtures and helpers for the e2e suite. Import `test` and `expect` from here, not from
// '@playwright/test':
//
//   import { test, expect, decodeQrFromElement, cashierScan } from '../fixtures';
//
// Every test file gets the real reference server (target/debug/wallet-server, `--demo`) on a free
// port with a fresh SQLite database, serving the release build in dist/; `baseURL` points at it,
// so `page.goto('/')` opens the wallet. `test.use({ serverPerTest: true })` gives each test of a
// file its own server and database instead; `test.use({ serverArgs: [...] })` adds server flags.
import { test as base, expect, type Locator } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

import { distDir, serverBinary } from './paths';

export { distDir, serverBinary };

const STARTUP_TIMEOUT_MS = 30_000;
const RUNNING_LINE = /Member Wallet is running: open (https?:\/\/\S+)/;

// Servers still running when the worker exits (a crash, an interrupted run) are killed with it.
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const proc of live) proc.kill('SIGKILL');
});

/** One running reference server with its own throwaway SQLite database. */
export class WalletServer {
  private constructor(
    /** Base URL ending in '/', e.g. http://127.0.0.1:41234/ */
    readonly url: string,
    readonly databaseUrl: string,
    private readonly proc: ChildProcess,
    private readonly dir: string,
    private readonly lines: string[],
  ) {}

  /** `dist`: the built app to serve (default: the release build; a test may serve a copy). */
  static async start(extraArgs: string[] = [], dist: string = distDir): Promise<WalletServer> {
    const dir = mkdtempSync(path.join(tmpdir(), 'wallet-e2e-'));
    const databaseUrl = `sqlite://${dir}/wallet.db?mode=rwc`;
    const args = ['--demo', '--host', '127.0.0.1', '--port', '0', '--dist', dist,
      '--database-url', databaseUrl, ...extraArgs];
    const proc = spawn(serverBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(proc);
    proc.on('exit', () => live.delete(proc));
    const lines: string[] = [];
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no "Member Wallet is running" line within ${STARTUP_TIMEOUT_MS} ms`)),
          STARTUP_TIMEOUT_MS,
        );
        const collect = (stream: NodeJS.ReadableStream) => {
          let partial = '';
          stream.setEncoding('utf8');
          stream.on('data', (chunk: string) => {
            const parts = (partial + chunk).split('\n');
            partial = parts.pop() ?? '';
            for (const line of parts) {
              lines.push(line);
              const m = RUNNING_LINE.exec(line);
              if (m) {
                clearTimeout(timer);
                resolve(normalizeUrl(m[1]));
              }
            }
          });
        };
        collect(proc.stdout!);
        collect(proc.stderr!);
        proc.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
        proc.on('exit', (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`wallet-server exited during start-up (${signal ?? `code ${code}`})`));
        });
      });
      return new WalletServer(url, databaseUrl, proc, dir, lines);
    } catch (err) {
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      const output = lines.join('\n');
      throw new Error(`${(err as Error).message}\n${serverBinary} ${args.join(' ')}\n${output}`);
    }
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Everything the server printed so far (stdout and stderr): demo join links, logs. */
  output(): string {
    return this.lines.join('\n');
  }

  async stop(): Promise<void> {
    if (this.running) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve));
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// A server listening on every interface prints 0.0.0.0 (or ::); the browser needs an address.
function normalizeUrl(printed: string): string {
  const url = new URL(printed);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  return url.href;
}

type Options = {
  /** Give each test its own server and database (default: one per test file). */
  serverPerTest: boolean;
  /** Extra wallet-server flags for the tests that use them. */
  serverArgs: string[];
};
type TestFixtures = {
  server: WalletServer;
  /** Content-Security-Policy violations of every page of the test; any left fails the test. */
  cspViolations: string[];
};
type WorkerFixtures = { serverPool: { key?: string; server?: WalletServer } };

export const test = base.extend<TestFixtures & Options, WorkerFixtures>({
  serverPerTest: [false, { option: true }],
  serverArgs: [[], { option: true }],

  // The server of the test file this worker is running; replaced when the file changes.
  serverPool: [
    async ({}, use) => {
      const pool: { key?: string; server?: WalletServer } = {};
      await use(pool);
      await pool.server?.stop();
    },
    { scope: 'worker' },
  ],

  server: async ({ serverPool, serverPerTest, serverArgs }, use, testInfo) => {
    let server: WalletServer;
    if (serverPerTest) {
      server = await WalletServer.start(serverArgs);
    } else {
      const key = `${testInfo.file}\0${serverArgs.join(' ')}`;
      if (serverPool.key !== key || !serverPool.server?.running) {
        await serverPool.server?.stop();
        serverPool.server = undefined;
        serverPool.server = await WalletServer.start(serverArgs);
        serverPool.key = key;
      }
      server = serverPool.server;
    }
    await use(server);
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('server-output', { body: server.output(), contentType: 'text/plain' });
    }
    if (serverPerTest) await server.stop();
  },

  baseURL: async ({ server }, use) => {
    await use(server.url);
  },

  cspViolations: async ({}, use) => {
    await use([]);
  },

  // Every page of every test runs under the server's Content-Security-Policy; a violation (an
  // inline script without its hash, a style sheet or connection the policy does not allow)
  // fails the test that caused it. A test that provokes one on purpose empties `cspViolations`.
  context: async ({ context, cspViolations }, use) => {
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(
          `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'an inline resource'}`,
        );
      });
    });
    context.on('console', (message) => {
      const text = message.text();
      if (message.type() === 'error' && /CSP violation|Content Security Policy/.test(text)) {
        cspViolations.push(text);
      }
    });
    await use(context);
    expect(cspViolations, 'Content-Security-Policy violations on the pages of this test').toEqual([]);
  },
});

export { expect };

/**
 * Decodes the QR code shown in `locator` the way a cashier's scanner does: from pixels.
 * Screenshots the element (with a white quiet zone added around it) and decodes it with jsQR,
 * looking again until `timeout` ms have passed, as a scanner keeps looking while the code renders.
 * Returns the QR's text; throws when no code could be read.
 */
export async function decodeQrFromElement(
  locator: Locator,
  { timeout = 5_000 }: { timeout?: number } = {},
): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    let shot: Buffer | null = null;
    try {
      shot = await locator.screenshot({ timeout });
    } catch (error) {
      // On a card the counter's QR is replaced by the app's (the hand-over) while the shot is
      // taken: the locator finds the new one on the next look, as a scanner would.
      if (!String(error).includes('not attached') || Date.now() >= deadline) throw error;
    }
    const text = shot === null ? null : decodeQrPng(shot);
    if (text !== null) return text;
    if (Date.now() >= deadline) {
      throw new Error(`no readable QR code in ${locator} within ${timeout} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Decodes a QR code from PNG bytes; null when there is none. */
export function decodeQrPng(png: Buffer): string | null {
  const shot = PNG.sync.read(png);
  // Scanners need a light margin around the code; an element screenshot may be cut tight to it.
  const pad = 16;
  const image = new PNG({ width: shot.width + 2 * pad, height: shot.height + 2 * pad });
  image.data.fill(0xff);
  PNG.bitblt(shot, image, 0, 0, shot.width, shot.height, pad, pad);
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  return code ? code.data : null;
}

/**
 * The cashier (POS) reads a member QR: POST /v1/cashier/scan with the staff key.
 * `payload` is the QR text (sent as `{"payload": text}`) or a whole request body.
 * Returns the HTTP status and the body (parsed JSON, or text when it is not JSON).
 */
export async function cashierScan(
  baseURL: string,
  key: string,
  payload: string | Record<string, unknown>,
): Promise<{ status: number; body: any }> {
  const res = await fetch(new URL('/v1/cashier/scan', baseURL), {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(typeof payload === 'string' ? { payload } : payload),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}
