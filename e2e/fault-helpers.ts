// What the fault tests need beyond fixtures.ts: counting on the server what it applied (its own
// SQLite file, read with the `sqlite3` CLI), reading the wallet's outbox and sync state from
// IndexedDB, saving a name through the real form, and a server process that can be crashed and
// started again on the same port and database.
import type { Page, Route } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from './fixtures';
import { distDir, serverBinary } from './paths';

// ---------------------------------------------------------------------------------------------
// The server's side: what it applied, read from its database file.

/** The file behind `sqlite://FILE?mode=rwc`. */
export function databaseFile(databaseUrl: string): string {
  const m = /^sqlite:\/\/([^?]+)/.exec(databaseUrl);
  if (!m) throw new Error(`not a SQLite database URL: ${databaseUrl}`);
  return m[1];
}

function sqlite(databaseUrl: string, sql: string): any[] {
  // `.timeout`: wait instead of failing if the server holds the write lock at that moment.
  const out = execFileSync('sqlite3', ['-cmd', '.timeout 5000', '-json', databaseFile(databaseUrl), sql], {
    encoding: 'utf8',
  });
  return out.trim() === '' ? [] : JSON.parse(out);
}

/**
 * Sets a campaign's prize weights on the issuer (slot id -> weight), so a test knows which way
 * its draws will fall (the draw itself stays the issuer's, from its seed and the wallet's).
 */
export function setPrizeWeights(databaseUrl: string, campaignId: string, weights: Record<string, number>): void {
  for (const [slot, weight] of Object.entries(weights)) {
    if (!/^[a-z0-9_-]+$/.test(campaignId + slot) || !Number.isInteger(weight)) throw new Error('unexpected prize');
    sqlite(
      databaseUrl,
      `UPDATE campaign_prizes SET weight = ${weight} WHERE campaign_id = '${campaignId}' AND slot_id = '${slot}'`,
    );
  }
}

/** Membership ids are Crockford base32; checked so they can go into SQL text safely. */
function sqlId(id: string): string {
  if (!/^[0-9A-Z]{1,64}$/.test(id)) throw new Error(`unexpected membership id ${JSON.stringify(id)}`);
  return `'${id}'`;
}

/** One processed mutation as the issuer stored it (table `mutation_results`). */
export type ServerResult = { client_id: string; seq: number; mutation_id: string; name: string; status: string };

/**
 * Every mutation the issuer processed for the membership, per client in `seq` order. The issuer
 * writes a row in the same transaction as the mutation's effects, so this counts applications: a
 * mutation applied twice would be two rows.
 */
export function serverResults(databaseUrl: string, membershipId: string): ServerResult[] {
  return sqlite(
    databaseUrl,
    `SELECT client_id, seq, mutation_id, name, status FROM mutation_results ` +
      `WHERE membership_id = ${sqlId(membershipId)} ORDER BY client_id, seq`,
  );
}

/** The membership entity's display name as the issuer holds it now. */
export function serverDisplayName(databaseUrl: string, membershipId: string): string | null {
  const rows = sqlite(
    databaseUrl,
    `SELECT data FROM entities WHERE membership_id = ${sqlId(membershipId)} ` +
      `AND kind = 'membership' AND id = ${sqlId(membershipId)}`,
  );
  if (rows.length !== 1) throw new Error(`no membership entity ${membershipId} on the server`);
  return JSON.parse(rows[0].data).display_name ?? null;
}

/**
 * The issuer applied exactly `queued`, each once, none lost, in their order: one row per queued
 * mutation with its `seq` and `id`, all `applied`, from one client (the issuer applies a client's
 * mutations in `seq` order, and `seq` is the order the customer acted in).
 */
export function expectAppliedExactly(
  databaseUrl: string,
  membershipId: string,
  queued: OutboxRecord[],
  /** What the issuer had processed before these were queued (`serverResults` then). */
  before: ServerResult[] = [],
): void {
  const rows = serverResults(databaseUrl, membershipId);
  expect(
    rows.map((r) => ({ seq: r.seq, id: r.mutation_id, status: r.status })),
    'the issuer processed each queued mutation once, in order',
  ).toEqual([
    ...before.map((r) => ({ seq: r.seq, id: r.mutation_id, status: r.status })),
    ...queued.map((q) => ({ seq: q.seq, id: q.id, status: 'applied' })),
  ]);
  expect(new Set(rows.map((r) => r.client_id)).size, 'one wallet installation, one client id').toBeLessThanOrEqual(1);
}

// ---------------------------------------------------------------------------------------------
// The wallet's side: IndexedDB read from the page.

export type OutboxRecord = {
  membership_id: string;
  seq: number;
  id: string;
  name: string;
  args: { display_name?: string };
  client_time: number;
};

export type StoredMembership = { id: string; issuer: string; token: string };

/** All records of one store of the wallet's database (`member-wallet`), read in the page. */
export async function storeRecords<T = any>(page: Page, store: string): Promise<T[]> {
  return page.evaluate(
    (store) =>
      new Promise<any[]>((resolve, reject) => {
        const open = indexedDB.open('member-wallet');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains(store)) {
            db.close();
            resolve([]);
            return;
          }
          const all = db.transaction(store).objectStore(store).getAll();
          all.onsuccess = () => {
            db.close();
            resolve(all.result);
          };
          all.onerror = () => reject(all.error);
        };
      }),
    store,
  );
}

/** The queued mutations of every membership (or one), in key order: membership, then `seq`. */
export async function outbox(page: Page, membershipId?: string): Promise<OutboxRecord[]> {
  const all = await storeRecords<OutboxRecord>(page, 'outbox');
  return membershipId ? all.filter((r) => r.membership_id === membershipId) : all;
}

export async function memberships(page: Page): Promise<StoredMembership[]> {
  return storeRecords<StoredMembership>(page, 'memberships');
}

/** The membership whose issuer is `issuerUrl` (with or without its trailing slash). */
export async function membershipOf(page: Page, issuerUrl: string): Promise<StoredMembership> {
  const issuer = issuerUrl.replace(/\/$/, '');
  const found = (await memberships(page)).filter((m) => m.issuer.replace(/\/$/, '') === issuer);
  if (found.length !== 1) throw new Error(`expected one membership of ${issuer}, found ${found.length}`);
  return found[0];
}

/** Waits until the wallet has stored a first answer of the issuer for the membership. */
export async function waitForFirstSync(page: Page, membershipId: string): Promise<void> {
  await expect
    .poll(async () => {
      const states = await storeRecords<{ membership_id: string; cursor?: string | null }>(page, 'sync_state');
      return states.find((s) => s.membership_id === membershipId)?.cursor ?? null;
    }, { message: `the first sync of ${membershipId}`, timeout: 15_000 })
    .not.toBeNull();
}

/** The membership entity the wallet stored (what the issuer sent), or undefined. */
export async function storedMembershipEntity(page: Page, membershipId: string): Promise<any> {
  const entities = await storeRecords<any>(page, 'entities');
  return entities.find((e) => e.membership_id === membershipId && e.kind === 'membership' && e.id === membershipId);
}

// ---------------------------------------------------------------------------------------------
// The customer's action: the real form on the member card.

/**
 * Saves `name` with the "店家對你的稱呼" form of the member card the page shows. Returns once the
 * outbox write has committed (the form clears its field only then) and the card shows the name.
 */
export async function saveName(page: Page, name: string): Promise<void> {
  const profile = page.getByTestId('member-profile');
  const field = profile.getByRole('textbox');
  await field.fill(name);
  await profile.getByRole('button', { name: '儲存' }).click();
  await expect(field).toHaveValue('');
  await expect(profile.getByTestId('display-name')).toContainText(name);
}

/** The card shows `name` as confirmed by the issuer (no pending badge). */
export async function expectConfirmedName(page: Page, name: string, timeout = 30_000): Promise<void> {
  const profile = page.getByTestId('member-profile');
  await expect(profile.getByTestId('pending')).toBeHidden({ timeout });
  await expect(profile.getByTestId('display-name')).toHaveText(name);
}

/** A promise and the function that resolves it. */
export function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Routing hits that must not fail the test when the page or route is already gone. */
export async function quietly(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch {
    // The page closed, or the route was already handled: nothing left to do.
  }
}

/** A cross-origin answer the browser accepts (the issuer's CORS header), for `route.fulfill`. */
export const CORS = { 'access-control-allow-origin': '*' };

/** `route.fetch()` (the request reaches the issuer, which applies it) and the parsed answer. */
export async function forward(route: Route): Promise<any> {
  const response = await route.fetch();
  return response.json();
}

// ---------------------------------------------------------------------------------------------
// A server that can crash and come back on the same port with the same database.

const STARTUP_TIMEOUT_MS = 30_000;
const RUNNING_LINE = /Member Wallet is running: open (https?:\/\/\S+)/;
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const proc of live) proc.kill('SIGKILL');
});

/**
 * The reference server (`--demo`) with a database in its own temp dir. `crash()` kills it
 * (SIGKILL: no graceful stop), `stop()` stops it (SIGTERM), `start()` runs a new process on the
 * same port and database; `dispose()` stops it and removes the database.
 */
export class RestartableServer {
  readonly databaseUrl: string;
  private proc?: ChildProcess;
  private port = 0;
  private lines: string[] = [];
  /** Base URL ending in '/', e.g. http://127.0.0.1:41234/ */
  url = '';

  private constructor(private readonly dir: string) {
    this.databaseUrl = `sqlite://${dir}/wallet.db?mode=rwc`;
  }

  static async create(): Promise<RestartableServer> {
    const server = new RestartableServer(mkdtempSync(path.join(tmpdir(), 'wallet-fault-')));
    try {
      await server.start();
    } catch (err) {
      await server.dispose();
      throw err;
    }
    return server;
  }

  /** The URL without its trailing slash: the issuer as the wallet stores it. */
  get origin(): string {
    return this.url.replace(/\/$/, '');
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** Starts a process: a free port the first time, the same port afterwards. */
  async start(): Promise<void> {
    if (this.running) throw new Error('the server is already running');
    const args = ['--demo', '--host', '127.0.0.1', '--port', String(this.port), '--dist', distDir,
      '--database-url', this.databaseUrl];
    const proc = spawn(serverBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    live.add(proc);
    proc.on('exit', () => live.delete(proc));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no start-up line')), STARTUP_TIMEOUT_MS);
      const collect = (stream: NodeJS.ReadableStream) => {
        let partial = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          const parts = (partial + chunk).split('\n');
          partial = parts.pop() ?? '';
          for (const line of parts) {
            this.lines.push(line);
            const m = RUNNING_LINE.exec(line);
            if (m) {
              clearTimeout(timer);
              resolve(m[1]);
            }
          }
        });
      };
      collect(proc.stdout!);
      collect(proc.stderr!);
      proc.on('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`wallet-server exited during start-up (${sig ?? `code ${code}`}):\n${this.output()}`));
      });
    });
    this.url = new URL(url).href;
    this.port = Number(new URL(url).port);
  }

  private async end(sig: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.running) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(sig);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** Kills the process at once, as a crash or a power cut would. */
  crash(): Promise<void> {
    return this.end('SIGKILL');
  }

  stop(): Promise<void> {
    return this.end('SIGTERM');
  }

  async dispose(): Promise<void> {
    await this.end('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The LINE user each membership is linked to (table `memberships`), null where none. */
export function lineUserIds(databaseUrl: string): (string | null)[] {
  return sqlite(databaseUrl, 'SELECT line_user_id FROM memberships ORDER BY member_since, id').map(
    (row: { line_user_id: string | null }) => row.line_user_id,
  );
}
