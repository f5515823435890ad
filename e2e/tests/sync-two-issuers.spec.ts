// Memberships of two issuers (two server processes, each with its own port and database) sync
// independently: one issuer down, answering garbage or not answering never keeps the other's
// actions from being applied, and its own queue waits, whole, until it is back. Counted on each
// issuer's own database.
import type { Route } from '@playwright/test';
import { test, expect } from '../fixtures';
import { syncOf, twoCards } from '../two-issuers';
import {
  CORS,
  RestartableServer,
  expectAppliedExactly,
  expectConfirmedName,
  outbox,
  saveName,
  serverDisplayName,
  serverResults,
  signal,
  type ServerResult,
} from '../fault-helpers';

function expectAllApplied(rows: ServerResult[], count: number): void {
  expect(rows.map((r) => r.status)).toEqual(Array(count).fill('applied'));
  expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  expect(new Set(rows.map((r) => r.mutation_id)).size).toBe(count);
}

test('two issuers sync independently; one answering garbage or down never blocks the other', async ({ page, baseURL, server }) => {
  test.setTimeout(120_000);
  const other = await RestartableServer.create();
  try {
    const { a, b } = await twoCards(page, baseURL!, other);
    const otherSync = syncOf(other);
    const cardA = `/m/${a.id}`;
    const cardB = `/m/${b.id}`;

    // Both work, each with its own issuer.
    await page.goto(cardB);
    await saveName(page, '書店一');
    await expectConfirmedName(page, '書店一');
    await page.goto(cardA);
    await saveName(page, '咖啡一');
    await expectConfirmedName(page, '咖啡一');
    expect(serverDisplayName(server.databaseUrl, a.id)).toBe('咖啡一');
    expect(serverDisplayName(other.databaseUrl, b.id)).toBe('書店一');
    expect(serverResults(server.databaseUrl, b.id)).toEqual([]);
    expect(serverResults(other.databaseUrl, a.id)).toEqual([]);
    const bBefore = serverResults(other.databaseUrl, b.id);
    expect(bBefore).toHaveLength(1);

    // The bookshop's issuer answers garbage: the café's action still goes through at once.
    let garbage = 0;
    const answerGarbage = async (route: Route) => {
      garbage++;
      await route.fulfill({ status: 200, headers: CORS, contentType: 'application/json', body: '{"results": [' });
    };
    await page.route(otherSync, answerGarbage);
    await page.goto(cardB);
    await saveName(page, '書店二');
    await page.goto(cardA);
    await saveName(page, '咖啡二');
    await expectConfirmedName(page, '咖啡二', 10_000);
    expect(garbage).toBeGreaterThan(0);
    expect((await outbox(page, b.id)).map((q) => q.args.display_name)).toEqual(['書店二']);
    await page.getByRole('link', { name: '返回' }).click();
    await expect(page.getByTestId('sync-status')).toContainText('暫時無法同步');
    await expect(page.getByTestId('sync-waiting')).toHaveText('1 個動作等待送出');
    await page.unroute(otherSync, answerGarbage);

    // The bookshop's issuer is down (its process killed): the café's action still goes through.
    await other.crash();
    await page.goto(cardB);
    await saveName(page, '書店三');
    await page.goto(cardA);
    await saveName(page, '咖啡三');
    await expectConfirmedName(page, '咖啡三', 10_000);
    const queuedB = await outbox(page, b.id);
    expect(queuedB.map((q) => q.args.display_name)).toEqual(['書店二', '書店三']);
    expect(await outbox(page, a.id)).toEqual([]);

    // Back: the bookshop's queue is applied, once each, in order.
    await other.start();
    await page.getByRole('link', { name: '返回' }).click();
    await expect(page.getByTestId('sync-status')).toContainText('已同步', { timeout: 45_000 });
    await expect(page.getByTestId('sync-waiting')).toHaveCount(0);
    expectAppliedExactly(other.databaseUrl, b.id, queuedB, bBefore);
    expect(serverDisplayName(other.databaseUrl, b.id)).toBe('書店三');
    expectAllApplied(serverResults(server.databaseUrl, a.id), 3);
    expect(serverDisplayName(server.databaseUrl, a.id)).toBe('咖啡三');
  } finally {
    await other.dispose();
  }
});

// Each issuer syncs in a lane of its own: while one never answers (until the wallet's 15 s request
// timeout gives up on it), an action for another issuer is confirmed well before that timeout,
// and nothing is lost or doubled on either side.
test('an issuer that never answers does not hold the other back, and loses nothing', async ({ page, baseURL, server }) => {
  test.setTimeout(90_000);
  const other = await RestartableServer.create();
  try {
    const { a, b } = await twoCards(page, baseURL!, other);
    const otherSync = syncOf(other);
    // Every sync of the bookshop hangs: never answered (the wallet's own timeout aborts it).
    const hung = signal();
    let hangs = 0;
    await page.route(otherSync, () => {
      hangs++;
      hung.resolve();
    });
    await page.goto(`/m/${b.id}`);
    await saveName(page, '書店');
    await hung.promise;
    await page.goto(`/m/${a.id}`);
    const queuedAt = Date.now();
    await saveName(page, '咖啡');
    // Well under the 15 s a hung request takes to time out.
    await expectConfirmedName(page, '咖啡', 8_000);
    test.info().annotations.push({
      type: 'delay',
      description: `the café's action was confirmed ${Date.now() - queuedAt} ms after it was queued, with the bookshop's issuer hanging`,
    });
    expectAllApplied(serverResults(server.databaseUrl, a.id), 1);
    expect(serverResults(other.databaseUrl, b.id)).toEqual([]);
    expect((await outbox(page, b.id)).map((q) => q.args.display_name)).toEqual(['書店']);
    expect(hangs).toBeGreaterThan(0);

    // It answers again: its queue is applied once.
    await page.unroute(otherSync);
    await page.goto(`/m/${b.id}`);
    await expectConfirmedName(page, '書店', 45_000);
    expectAllApplied(serverResults(other.databaseUrl, b.id), 1);
    expect(serverDisplayName(other.databaseUrl, b.id)).toBe('書店');
    expectAllApplied(serverResults(server.databaseUrl, a.id), 1);
  } finally {
    await other.dispose();
  }
});
