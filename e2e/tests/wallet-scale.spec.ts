// A wallet at scale (issue 4, DESIGN.md section 9): 100 memberships, one of them with 10,000 points
// ledger entries. Everything is real: the memberships are enrolled over HTTP at the reference
// server (each demo join code makes a new membership every time), the ledger entries and their
// points balance are written through the server's own entity writes (server/examples/
// seed_entities.rs, the same SQLite database), and the wallet pulls all of it with its own sync.
// Only the join step is shortened: opening 100 join links would take minutes, so the 100 enroll
// answers are stored in IndexedDB exactly as the app stores a join (StoredMembership, see
// app/src/membership.rs), and the wallet is reloaded.
// The figures (first paint of the list, ledger frame times) are measured by bench/wallet-scale.sh;
// this test checks the behaviour: everything shows, and the home list and the ledger stay windowed.
import { test, expect } from '../fixtures';
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { storedMemberships } from '../wallet-page';

const MEMBERSHIPS = 100;
const ENTRIES = 10_000;
const CODES = ['CAFE', 'BOOKS', 'YAKINIKU', 'RAMEN'];
/** The ledger page's fixed row height (app/src/pages/ledger.rs ROW_HEIGHT). */
const ROW_HEIGHT = 64;
/** At most this many ledger rows in the DOM at any moment: a window, not the list. */
const MAX_ROWS_IN_DOM = 60;
/** A home tile's least height (.tile min-height in public/styles.css). */
const TILE_HEIGHT = 148;
/** At most this many home tiles in the DOM: a few screens of them (app/src/pages/home_list.rs). */
const MAX_TILES_IN_DOM = 40;

const seedBinary =
  process.env.WALLET_SEED_BIN ??
  path.join(__dirname, '..', '..', 'target', 'debug', 'examples', 'seed_entities');

type Enrolled = {
  id: string;
  issuer: string;
  join_code: string;
  token: string;
  totp: unknown;
  merchant: unknown;
  member_since: number;
  joined_at: number;
};

/** POST /v1/enroll, as the wallet does when a join link is opened. */
async function enroll(baseURL: string, code: string, joinedAt: number): Promise<Enrolled> {
  const res = await fetch(new URL('/v1/enroll', baseURL), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ join_code: code }),
  });
  expect(res.status, `enroll ${code}`).toBe(200);
  const body = await res.json();
  // StoredMembership::from_enrollment (app/src/membership.rs).
  return {
    id: body.membership.id,
    issuer: new URL(baseURL).origin,
    join_code: code,
    token: body.membership.token,
    totp: body.totp,
    merchant: body.merchant,
    member_since: body.membership.member_since,
    joined_at: joinedAt,
  };
}

/** Puts the memberships into the wallet's `memberships` store, in one transaction. */
async function storeMemberships(page: Page, records: Enrolled[]): Promise<void> {
  await page.evaluate(
    (records) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('member-wallet');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('memberships', 'readwrite');
          for (const record of records) tx.objectStore('memberships').put(record);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    records,
  );
}

// 100 joins in a few seconds from one address: past the server's default joins-per-minute limit.
test.use({ serverArgs: ['--enroll-limit', '0'] });

test('100 memberships and 10,000 ledger entries: the wallet shows them all, the home list and the ledger stay windowed', async ({
  page,
  server,
  baseURL,
}, testInfo) => {
  test.setTimeout(90_000);
  expect(
    existsSync(seedBinary),
    `${seedBinary} (cargo build -p wallet-server --example seed_entities)`,
  ).toBe(true);

  // 1. 100 memberships at the issuer, newest first in the wallet; the big one is the oldest (the
  // last tile), so reaching it means going down the whole list.
  const now = Date.now();
  const enrolled: Enrolled[] = [];
  for (let i = 0; i < MEMBERSHIPS; i++) {
    const code = CODES[(MEMBERSHIPS - 1 - i) % CODES.length]; // the last one: CAFE
    enrolled.push(await enroll(baseURL!, code, now - i * 1000));
  }
  const cafe = enrolled[MEMBERSHIPS - 1];

  // 2. 10,000 ledger entries and the points balance they add up to, for the café membership.
  const seeded = execFileSync(
    seedBinary,
    ['--database-url', server.databaseUrl, '--membership', cafe.id, '--count', String(ENTRIES), '--points-balance'],
    { encoding: 'utf8' },
  );
  const balance = Number(/points_balance \((\d+)\)/.exec(seeded)![1]);

  // 3. The wallet: opened once (it makes its database), given the memberships, opened again.
  await page.goto('/');
  await expect(page.getByTestId('wallet-empty')).toBeVisible();
  await storeMemberships(page, enrolled);
  await page.reload();
  const tiles = page.getByTestId('membership-tile');
  await expect(tiles.first()).toBeVisible();
  expect(await storedMemberships(page)).toBe(MEMBERSHIPS);
  const listShown = await page.evaluate(
    () => performance.getEntriesByName('mw:wallet-list-shown')[0]?.startTime ?? null,
  );
  expect(listShown, 'the wallet marks when its list is first shown').not.toBeNull();
  testInfo.annotations.push({
    type: 'wallet-list-shown',
    description: `${Math.round(listShown!)} ms after navigation start (cold, 100 memberships; figures: bench/wallet-scale.sh)`,
  });

  // Its own sync pulls every membership's entities, the 10,000 entries among them.
  await expect(page.getByTestId('sync-status')).toContainText('已同步', { timeout: 45_000 });
  await page.screenshot({ path: 'output/screenshots/wallet-100.png' });

  // 4. The home list is windowed: a few screens of tiles in the document, placeholders for the rest
  // at their height, so the page is as long as 100 tiles.
  const list = page.getByTestId('wallet-list');
  const drawn = await tiles.count();
  expect(drawn, 'tiles in the document at the top of the list').toBeLessThan(MAX_TILES_IN_DOM);
  expect(await list.evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(MEMBERSHIPS * TILE_HEIGHT);
  testInfo.annotations.push({ type: 'home-tiles-in-dom', description: `${drawn} of ${MEMBERSHIPS} at the top` });
  // A screen reader counts the whole list, not the rows drawn: each row says its place in it.
  const rowPlaces = () =>
    list.evaluate((ul) =>
      [...ul.querySelectorAll('li[data-row]')].map((li) => [
        Number(li.getAttribute('aria-posinset')),
        Number(li.getAttribute('aria-setsize')),
      ]),
    );
  const atTop = await rowPlaces();
  const rowCount = atTop[0][1];
  expect(rowCount, 'the list says it has every card (and group caption)').toBeGreaterThanOrEqual(MEMBERSHIPS);
  expect(atTop).toEqual(atTop.map((_, at) => [at + 1, rowCount]));

  // A search finds a card that is not drawn, by its member number.
  const middle = enrolled[MEMBERSHIPS / 2];
  await expect(page.locator(`a.tile[href="/m/${middle.id}"]`)).toHaveCount(0);
  const search = page.getByTestId('wallet-search');
  await search.fill(middle.id);
  await expect(tiles).toHaveCount(1);
  await expect(tiles.first()).toHaveAttribute('href', `/m/${middle.id}`);
  const found = await rowPlaces();
  expect(found, 'the rows a search leaves are numbered among themselves').toEqual(found.map((_, at) => [at + 1, found.length]));
  await page.screenshot({ path: 'output/screenshots/wallet-search.png' });
  await search.fill('');
  await expect(tiles.first()).toBeVisible();

  // Tab walks down the tiles one by one (a frame apart, as a hand would), never out of the list:
  // the rows ahead are drawn before focus gets there, the focused one stays. Shift+Tab walks back
  // up the same tiles, while the blocks above are drawn again.
  const focusedTile = () =>
    page.evaluate(() => {
      const focused = document.activeElement;
      // The focused tile's link, or what has the focus instead.
      return focused?.matches('a.tile') ? focused.getAttribute('href')! : `not a tile: ${focused?.outerHTML.slice(0, 80)}`;
    });
  const nextFrame = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await tiles.first().focus();
  const walked: string[] = [];
  for (let press = 0; press <= 30; press++) {
    const href = await focusedTile();
    expect(href, `focus after ${press} presses of Tab`).toMatch(/^\/m\//);
    expect(walked, `focus after ${press} presses of Tab moved on`).not.toContain(href);
    walked.push(href);
    if (press < 30) await page.keyboard.press('Tab');
    await nextFrame();
  }
  await expect(page.locator(':focus')).toBeInViewport();
  expect(await tiles.count(), 'tiles in the document 30 tiles down').toBeLessThan(MAX_TILES_IN_DOM);
  for (let press = 1; press <= 30; press++) {
    await page.keyboard.press('Shift+Tab');
    await nextFrame();
    expect(await focusedTile(), `focus after ${press} presses of Shift+Tab`).toBe(walked[30 - press]);
  }

  // 5. The café card, reached from its tile at the end of the list: scrolled to the bottom of the
  // page, the last tile is drawn.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  // The tile, not the home's expiring-points strip (which links to the card too).
  const tile = page.locator(`a.tile[href="/m/${cafe.id}"]`);
  await expect(tile).toBeInViewport();
  expect(await tiles.count(), 'tiles in the document at the end of the list').toBeLessThan(MAX_TILES_IN_DOM);
  expect((await rowPlaces()).at(-1), 'the last row is the last of all').toEqual([rowCount, rowCount]);
  await page.screenshot({ path: 'output/screenshots/wallet-100-end.png' });
  await tile.click();
  await expect(page).toHaveURL(new RegExp(`/m/${cafe.id}$`));
  await expect(page.getByTestId('points-balance')).toHaveText(`${balance.toLocaleString('en-US')} 點`);

  // 6. Its ledger: 10,000 entries, newest first, in a window of rows.
  await page.getByRole('link', { name: '點數紀錄' }).click();
  await expect(page).toHaveURL(new RegExp(`/m/${cafe.id}/points$`));
  const ledger = page.getByTestId('windowed-list');
  const rows = page.getByTestId('ledger-row');
  await expect(rows.first()).toBeVisible();
  expect(await ledger.evaluate((el) => el.scrollHeight)).toBe(ENTRIES * ROW_HEIGHT);
  await page.screenshot({ path: 'output/screenshots/ledger-10000.png' });

  // Down the whole list in 25 steps, each a frame apart; the DOM never holds more than a window.
  const steps = 25;
  let most = 0;
  for (let step = 1; step <= steps; step++) {
    const count = await ledger.evaluate(
      (el, fraction) =>
        new Promise<number>((resolve) => {
          el.scrollTop = (el.scrollHeight - el.clientHeight) * fraction;
          // Two frames: the scroll event, then the re-rendered window.
          requestAnimationFrame(() =>
            requestAnimationFrame(() => resolve(el.querySelectorAll('[data-testid="ledger-row"]').length)),
          );
        }),
      step / steps,
    );
    most = Math.max(most, count);
    expect(count, `rows in the DOM at ${step}/${steps} of the list`).toBeGreaterThan(0);
    expect(count, `rows in the DOM at ${step}/${steps} of the list`).toBeLessThan(MAX_ROWS_IN_DOM);
  }
  testInfo.annotations.push({ type: 'ledger-rows-in-dom', description: `at most ${most} of ${ENTRIES}` });

  // The end: the oldest entry (the first one seeded: +10 points on 2026/01/01) is on screen.
  const last = rows.last();
  await expect(last).toBeInViewport();
  await expect(last).toContainText('+10');
  await expect(last).toContainText('2026/01/01');
  const top = await last.evaluate((el) => (el.parentElement as HTMLElement).style.top);
  expect(top, 'the last row drawn is entry 10,000').toBe(`${(ENTRIES - 1) * ROW_HEIGHT}px`);
  await page.screenshot({ path: 'output/screenshots/ledger-10000-end.png' });
});
