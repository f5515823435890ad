// Faults between the wallet and its issuer, in real Chromium against the real server. Every test
// counts on the server (its SQLite file: one `mutation_results` row per processed mutation) that
// no action was lost and none applied twice, and that they were applied in the order queued.
// The only real mutation so far is `profile.update`, made with the "店家對你的稱呼" form.
import type { Page, Request, Route } from '@playwright/test';
import { test, expect } from '../fixtures';
import { demo, joinLink } from '../wallet-page';
import { storedToken } from '../sync-helpers';
import {
  RestartableServer,
  expectAppliedExactly,
  expectConfirmedName,
  forward,
  outbox,
  quietly,
  saveName,
  serverDisplayName,
  serverResults,
  signal,
  storedMembershipEntity,
  waitForFirstSync,
  type OutboxRecord,
} from '../fault-helpers';

const SYNC = '**/v1/sync';

/** Joins the demo café of `issuer` from its link and waits for the first sync, and for the
 * card's own request for news (sent once the card is painted) to be answered too: a route set up
 * while a request is on its way can leave that request stalled, and the test would wait out the
 * wallet's timeout instead of testing the fault. Returns the membership id. */
async function joinCafe(page: Page, issuer: string): Promise<string> {
  let inFlight = 0;
  let lastChange = Date.now();
  const isSync = (request: Request) => new URL(request.url()).pathname === '/v1/sync';
  const started = (request: Request) => {
    if (isSync(request)) [inFlight, lastChange] = [inFlight + 1, Date.now()];
  };
  const ended = (request: Request) => {
    if (isSync(request)) [inFlight, lastChange] = [inFlight - 1, Date.now()];
  };
  page.on('request', started);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  await page.goto(new URL(joinLink(issuer, demo.cafe.code), issuer).href);
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  const { id } = await storedToken(page);
  await waitForFirstSync(page, id);
  await expect
    .poll(() => inFlight === 0 && Date.now() - lastChange > 500, { message: 'the syncs after joining are answered' })
    .toBe(true);
  page.off('request', started);
  page.off('requestfinished', ended);
  page.off('requestfailed', ended);
  return id;
}

/** Only a request that pushes actions meets a fault. Another sync (a pull already due when the
 * test set the fault up, such as the second of two coalesced start-up requests) goes through, so
 * it cannot take the fault's place and leave the push untried. */
function pushesActions(route: Route): boolean {
  const body = route.request().postDataJSON();
  return Array.isArray(body?.mutations) && body.mutations.length > 0;
}

/** The wallet's home (client-side navigation, so the running engine keeps its state). */
async function goHome(page: Page): Promise<void> {
  await page.getByRole('link', { name: '返回' }).click();
  await expect(page.getByTestId('sync-status')).toBeVisible();
}

test.describe('a page closed while its sync request is in flight', () => {
  for (const variant of [
    { when: 'before the issuer got it', forwards: false },
    { when: 'after the issuer applied it, before its answer arrived', forwards: true },
  ]) {
    test(`${variant.when}: the action is applied exactly once after reopening`, async ({ page, baseURL, server }) => {
      const id = await joinCafe(page, baseURL!);

      const inFlight = signal();
      await page.route(SYNC, async (route) => {
        if (!pushesActions(route)) return route.continue();
        // The issuer applies it (or never sees it); the answer never comes back.
        if (variant.forwards) await quietly(() => route.fetch());
        inFlight.resolve();
      });
      await saveName(page, '關頁前');
      await inFlight.promise;
      const queued = await outbox(page, id);
      expect(queued.map((q) => q.args.display_name)).toEqual(['關頁前']);
      expect(serverResults(server.databaseUrl, id)).toHaveLength(variant.forwards ? 1 : 0);
      await page.close();

      const reopened = await page.context().newPage();
      await reopened.goto('/');
      await expect(reopened.getByTestId('sync-status')).toContainText('已同步');
      await expect(reopened.getByTestId('sync-waiting')).toHaveCount(0);
      expect(await outbox(reopened)).toEqual([]);
      expectAppliedExactly(server.databaseUrl, id, queued);
      expect(serverDisplayName(server.databaseUrl, id)).toBe('關頁前');
      await reopened.goto(`/m/${id}`);
      await expectConfirmedName(reopened, '關頁前');
    });
  }
});

type Fault = {
  name: string;
  /** The issuer gets (and applies) the push before the answer goes wrong. */
  reachesIssuer: boolean;
  /** The request hangs until the test releases it. */
  holds?: boolean;
  screenshot?: string;
  handle: (route: Route, ctx: { release: Promise<void>; membershipId: string }) => Promise<void>;
};

const errorBody = JSON.stringify({ error: { code: 'internal', message: 'the issuer failed' } });

const faults: Fault[] = [
  {
    name: 'answers 500',
    reachesIssuer: false,
    screenshot: 'output/screenshots/sync-failing.png',
    handle: (route) => route.fulfill({ status: 500, contentType: 'application/json', body: errorBody }),
  },
  {
    name: 'applies the push, then a proxy in front of it answers 502',
    reachesIssuer: true,
    handle: async (route) => {
      await route.fetch();
      await route.fulfill({ status: 502, contentType: 'text/html', body: '<html><body>502 Bad Gateway</body></html>' });
    },
  },
  {
    name: 'never answers, and the request times out',
    reachesIssuer: false,
    holds: true,
    handle: async (route, { release }) => {
      await release;
      await route.abort('timedout');
    },
  },
  {
    name: 'applies the push, then its answer is lost (timed out)',
    reachesIssuer: true,
    handle: async (route) => {
      await route.fetch();
      await route.abort('timedout');
    },
  },
  {
    name: 'answers malformed JSON',
    reachesIssuer: false,
    handle: (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: '{"results": [{"seq": 1, "status": "appl' }),
  },
  {
    name: 'answers a web page (a captive portal) instead of JSON',
    reachesIssuer: false,
    handle: (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Wi-Fi login</title>' }),
  },
  {
    name: 'applies the push, then answers with wrong types',
    reachesIssuer: true,
    handle: async (route) => {
      const body = await forward(route);
      body.last_processed_seq = String(body.last_processed_seq);
      body.changes = body.changes.map((c: any) => ({ ...c, version: String(c.version) }));
      await route.fulfill({ json: body });
    },
  },
  {
    name: 'applies the push, then answers something that fails validation (with a forged change)',
    reachesIssuer: true,
    handle: async (route, { membershipId }) => {
      const body = await forward(route);
      // An empty cursor is not an answer; the forged change must never reach IndexedDB.
      body.cursor = '';
      body.changes.push({
        kind: 'membership',
        id: membershipId,
        version: 999_999_999,
        deleted: false,
        data: { merchant_id: 'morning-cafe', member_since: 1, display_name: '竄改' },
      });
      await route.fulfill({ json: body });
    },
  },
];

test.describe('the issuer fails: the queue is kept, the status says so, and all applies once it heals', () => {
  for (const fault of faults) {
    test(`the issuer ${fault.name}`, async ({ page, baseURL, server }) => {
      test.setTimeout(60_000);
      // The fault is in place before the wallet's first request: one set up later can meet a
      // sync already on its way (the healthy-interval pull, a card's request for news) and stall
      // it, and the push would wait behind it for the wallet's timeout. Joining pushes nothing.
      const release = signal();
      let hits = 0;
      let membershipId = '';
      const faulty = async (route: Route) => {
        if (!pushesActions(route)) return route.continue();
        hits++;
        await quietly(() => fault.handle(route, { release: release.promise, membershipId }));
      };
      await page.route(SYNC, faulty);
      const id = await joinCafe(page, baseURL!);
      membershipId = id;
      await saveName(page, '故障中');
      await expect.poll(() => hits, { message: 'the wallet tried to sync' }).toBeGreaterThan(0);
      const queued = await outbox(page, id);
      expect(queued.map((q) => q.args.display_name)).toEqual(['故障中']);

      await goHome(page);
      const status = page.getByTestId('sync-status');
      if (fault.holds) {
        await expect(status).toContainText('同步中');
        release.resolve();
      }
      await expect(status).toContainText('暫時無法同步');
      await expect(page.getByTestId('sync-waiting')).toHaveText('1 個動作等待送出');
      // The queue is kept as it was; nothing of the bad answers was written.
      expect(await outbox(page, id)).toEqual(queued);
      expect((await storedMembershipEntity(page, id)).data.display_name ?? null).toBeNull();
      expect(serverResults(server.databaseUrl, id)).toHaveLength(fault.reachesIssuer ? 1 : 0);
      if (fault.screenshot) await page.screenshot({ path: fault.screenshot, fullPage: true });

      // Healed: the backoff timer sends the queue again.
      await page.unroute(SYNC, faulty);
      await expect(status).toContainText('已同步', { timeout: 30_000 });
      await expect(page.getByTestId('sync-waiting')).toHaveCount(0);
      expect(await outbox(page)).toEqual([]);
      expectAppliedExactly(server.databaseUrl, id, queued);
      expect(serverDisplayName(server.databaseUrl, id)).toBe('故障中');
      expect((await storedMembershipEntity(page, id)).data.display_name).toBe('故障中');
    });
  }
});

test('20 actions while offline, then online: all applied once, in order', async ({ page, baseURL, server, context }) => {
  test.setTimeout(60_000);
  const id = await joinCafe(page, baseURL!);

  await context.setOffline(true);
  const names = Array.from({ length: 20 }, (_, i) => `第${i + 1}次`);
  for (const name of names) await saveName(page, name);
  const queued = await outbox(page, id);
  expect(queued.map((q) => q.args.display_name)).toEqual(names);
  expect(queued.map((q) => q.seq)).toEqual(names.map((_, i) => i + 1));
  await goHome(page);
  await expect(page.getByTestId('sync-status')).toContainText('離線中');
  await expect(page.getByTestId('sync-waiting')).toHaveText('20 個動作等待送出');
  expect(serverResults(server.databaseUrl, id)).toEqual([]);

  await context.setOffline(false);
  await expect(page.getByTestId('sync-status')).toContainText('已同步', { timeout: 15_000 });
  await expect(page.getByTestId('sync-waiting')).toHaveCount(0);
  expect(await outbox(page)).toEqual([]);
  expectAppliedExactly(server.databaseUrl, id, queued);
  expect(serverDisplayName(server.databaseUrl, id)).toBe('第20次');
  await page.goto(`/m/${id}`);
  await expectConfirmedName(page, '第20次');
});

/** Every mutation the page sent in sync requests, by seq (what was queued, seen on the wire). */
function recordSent(page: Page, into: Map<number, OutboxRecord>): void {
  page.on('request', (request) => {
    if (!request.url().endsWith('/v1/sync') || request.method() !== 'POST') return;
    for (const m of JSON.parse(request.postData() ?? '{}').mutations ?? []) into.set(m.seq, m);
  });
}

test('two tabs with queued actions: each action applied once', async ({ page, baseURL, server, context }) => {
  test.setTimeout(60_000);
  const id = await joinCafe(page, baseURL!);
  const other = await context.newPage();
  await other.goto(`/m/${id}`);
  await expect(other.getByTestId('member-profile')).toBeVisible();
  const sent = new Map<number, OutboxRecord>();
  recordSent(page, sent);
  recordSent(other, sent);

  // Queued in both tabs while offline; both tabs hear `online` and try to sync at once.
  await context.setOffline(true);
  const steps: [Page, string][] = [[page, '甲一'], [other, '乙一'], [page, '甲二'], [other, '乙二']];
  for (const [tab, name] of steps) await saveName(tab, name);
  const queued = await outbox(page, id);
  expect(queued.map((q) => q.args.display_name)).toEqual(['甲一', '乙一', '甲二', '乙二']);
  expect(queued.map((q) => q.seq)).toEqual([1, 2, 3, 4]);
  await context.setOffline(false);
  await expectConfirmedName(page, '乙二');
  await expectConfirmedName(other, '乙二');
  expectAppliedExactly(server.databaseUrl, id, queued);

  // Both tabs act at the same moment while online.
  const before = serverResults(server.databaseUrl, id);
  const queue = async (tab: Page, name: string) => {
    const profile = tab.getByTestId('member-profile');
    await profile.getByRole('textbox').fill(name);
    await profile.getByRole('button', { name: '儲存' }).click();
    await expect(profile.getByRole('textbox')).toHaveValue('');
  };
  await Promise.all([queue(page, '甲三'), queue(other, '乙三')]);
  await expect.poll(() => serverResults(server.databaseUrl, id).length).toBe(6);
  await expect.poll(() => outbox(page)).toEqual([]);
  const both = [5, 6].map((seq) => sent.get(seq)!);
  expect(both.map((m) => m.args.display_name).sort()).toEqual(['乙三', '甲三']);
  expectAppliedExactly(server.databaseUrl, id, both, before);
  // The issuer applied them in seq order: the name is the one queued last, in both tabs.
  const last = both[1].args.display_name!;
  expect(serverDisplayName(server.databaseUrl, id)).toBe(last);
  await expectConfirmedName(page, last);
  await expectConfirmedName(other, last);
});

test('the issuer crashes and restarts mid-run (same port, same database): nothing lost, nothing doubled', async ({ page }) => {
  test.setTimeout(90_000);
  const issuer = await RestartableServer.create();
  try {
    const id = await joinCafe(page, issuer.url);
    await saveName(page, '重啟前');
    await expectConfirmedName(page, '重啟前');
    const before = serverResults(issuer.databaseUrl, id);
    expect(before).toHaveLength(1);

    // The next sync is on its way when the issuer's process is killed.
    const inFlight = signal();
    const crashed = signal();
    const passed = signal();
    await page.route(SYNC, async (route) => {
      inFlight.resolve();
      await crashed.promise;
      await quietly(() => route.continue());
      passed.resolve();
    });
    await saveName(page, '當機時');
    await inFlight.promise;
    await issuer.crash();
    crashed.resolve();
    await passed.promise;
    await page.unroute(SYNC);
    // More while it is down.
    await saveName(page, '停機中');
    await goHome(page);
    await expect(page.getByTestId('sync-status')).toContainText('暫時無法同步');
    await expect(page.getByTestId('sync-waiting')).toHaveText('2 個動作等待送出');
    const queued = await outbox(page, id);
    expect(queued.map((q) => q.args.display_name)).toEqual(['當機時', '停機中']);

    await issuer.start();
    await expect(page.getByTestId('sync-status')).toContainText('已同步', { timeout: 45_000 });
    await expect(page.getByTestId('sync-waiting')).toHaveCount(0);
    expectAppliedExactly(issuer.databaseUrl, id, queued, before);
    expect(serverDisplayName(issuer.databaseUrl, id)).toBe('停機中');

    // A graceful restart (SIGTERM), with an action queued while it is away.
    const beforeSecond = serverResults(issuer.databaseUrl, id);
    await issuer.stop();
    await page.locator(`[data-testid=membership-tile][href="/m/${id}"]`).click();
    await saveName(page, '再次');
    await goHome(page);
    await expect(page.getByTestId('sync-status')).toContainText('暫時無法同步');
    const again = await outbox(page, id);
    expect(again.map((q) => q.args.display_name)).toEqual(['再次']);
    await issuer.start();
    await expect(page.getByTestId('sync-status')).toContainText('已同步', { timeout: 45_000 });
    expectAppliedExactly(issuer.databaseUrl, id, again, beforeSecond);
    expect(serverDisplayName(issuer.databaseUrl, id)).toBe('再次');
  } finally {
    await issuer.dispose();
  }
});
