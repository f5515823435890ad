// A hostile issuer cannot fill the phone (issue 11, item 8; protocol.md §9.12): its card stops
// taking entities at the wallet's caps (500 of kinds the wallet does not know, 8 MB in all), says
// so on that card alone, stops fetching the endless pages it is offered, and still sends its
// outbox; the other issuer's card keeps syncing as before.
import type { Page, Route } from '@playwright/test';
import { test, expect } from '../fixtures';
import { syncOf, twoCards } from '../two-issuers';
import {
  CORS,
  RestartableServer,
  expectConfirmedName,
  forward,
  quietly,
  saveName,
  serverDisplayName,
  storeRecords,
} from '../fault-helpers';

const MAX_BYTES = 8 * 1024 * 1024;
const MAX_UNKNOWN_KIND = 500;

type Stored = { membership_id: string; kind: string; id: string; data?: unknown };

/** What the wallet holds for the membership: entities of unknown kinds, and bytes as the wallet
 * counts them (id, kind, and `data` as JSON). */
async function usageOf(page: Page, membershipId: string) {
  const mine = (await storeRecords<Stored>(page, 'entities')).filter((e) => e.membership_id === membershipId);
  const known = ['membership', 'merchant', 'stamp_card', 'points_balance', 'ledger_entry', 'tier', 'coupon', 'reward', 'survey', 'ticket', 'message', 'draw_seed', 'claim', 'referral'];
  return {
    unknownKinds: mine.filter((e) => !known.includes(e.kind)).length,
    bytes: mine.reduce((sum, e) => sum + e.id.length + e.kind.length + (e.data == null ? 0 : Buffer.byteLength(JSON.stringify(e.data))), 0),
  };
}

async function overCap(page: Page, membershipId: string): Promise<string | null> {
  const states = await storeRecords<{ membership_id: string; over_cap?: string | null }>(page, 'sync_state');
  return states.find((s) => s.membership_id === membershipId)?.over_cap ?? null;
}

/**
 * The wallet with a café card (first issuer) and a bookshop card (`other`), whose issuer's every
 * answer is the real one (its results and cursor) with `extra(n)` new entities added to the n-th
 * answer, and always `more: true`: an issuer that never stops. Counts the answers in `pages`.
 */
async function hostileBookshop(page: Page, baseURL: string, other: RestartableServer, extra: (n: number) => unknown[]) {
  const { a, b } = await twoCards(page, baseURL, other);
  const counter = { pages: 0 };
  await page.route(syncOf(other), async (route: Route) => {
    await quietly(async () => {
      const answer = await forward(route);
      answer.changes = [...answer.changes, ...extra(counter.pages++)];
      answer.more = true;
      await route.fulfill({ status: 200, headers: CORS, contentType: 'application/json', body: JSON.stringify(answer) });
    });
  });
  return { a, b, counter };
}

/** The café's card, at the other issuer, is untouched: no notice, and it syncs. */
async function expectCafeUntouched(page: Page, cafeId: string, databaseUrl: string) {
  await page.goto(`/m/${cafeId}`);
  await saveName(page, '咖啡');
  await expectConfirmedName(page, '咖啡');
  await expect(page.getByTestId('storage-cap')).toHaveCount(0);
  expect(serverDisplayName(databaseUrl, cafeId)).toBe('咖啡');
}

test('600 entities of a kind no wallet knows, in pages of 300: 500 are kept, the card says so, its actions still go through', async ({ page, baseURL, server }) => {
  test.setTimeout(90_000);
  const other = await RestartableServer.create();
  try {
    // Once the joins are done, in every answer: one half of the same 600 or the other (a page
    // holds at most 500), so an answer the page did not live to store is sent again.
    let open = false;
    const holograms = Array.from({ length: 600 }, (_, i) => ({ kind: 'hologram', id: `h${i}`, version: 1e9 + i, data: { i } }));
    const half = (n: number) => holograms.slice((n % 2) * 300, (n % 2) * 300 + 300);
    const { a, b } = await hostileBookshop(page, baseURL!, other, (n) => (open ? half(n) : []));
    open = true;
    await page.goto(`/m/${b.id}`);
    await expect(page.getByTestId('storage-cap')).toContainText('超過錢包為一張卡保留的上限');
    expect(await overCap(page, b.id)).toBe('unknown_kinds');
    expect((await usageOf(page, b.id)).unknownKinds).toBe(MAX_UNKNOWN_KIND);
    // Kinds the wallet knows still land: the customer's action is sent and its result shown.
    await saveName(page, '書店');
    await expectConfirmedName(page, '書店');
    expect(serverDisplayName(other.databaseUrl, b.id)).toBe('書店');
    await page.getByTestId('storage-cap').scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'output/screenshots/storage-cap.png' });
    await expectCafeUntouched(page, a.id, server.databaseUrl);
  } finally {
    await other.dispose();
  }
});

test('pages of 2 MB without end: the wallet keeps at most 8 MB and stops asking for more', async ({ page, baseURL, server }) => {
  test.setTimeout(90_000);
  const other = await RestartableServer.create();
  try {
    const big = 'x'.repeat(64 * 1024);
    let open = false;
    const { a, b, counter } = await hostileBookshop(page, baseURL!, other, (n) =>
      open ? Array.from({ length: 32 }, (_, i) => ({ kind: 'message', id: `m${n}-${i}`, version: 2e9 + n * 100 + i, data: { text: big } })) : [],
    );
    open = true;
    const before = counter.pages;
    await page.goto(`/m/${b.id}`);
    await expect(page.getByTestId('storage-cap')).toBeVisible({ timeout: 30_000 });
    expect(await overCap(page, b.id)).toBe('bytes');
    // 8 MB is four pages: the pass ends at the cap, not after the 50 pages a sync allows.
    expect(counter.pages - before).toBeLessThanOrEqual(6);
    const usage = await usageOf(page, b.id);
    expect(usage.bytes).toBeLessThanOrEqual(MAX_BYTES);
    expect(usage.bytes).toBeGreaterThan(MAX_BYTES - 2 * 1024 * 1024);
    await page.unroute(syncOf(other));
    await expectCafeUntouched(page, a.id, server.databaseUrl);
  } finally {
    await other.dispose();
  }
});
