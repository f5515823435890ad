// After one visit online, the wallet starts with no network at all: a cold reload of `/` and of
// a card route, a new tab, and the "Show my code" shortcut all come from the service worker's
// cache, and the cards from IndexedDB. The QR shown offline is one the cashier accepts.
import { test, expect, decodeQrFromElement, cashierScan } from '../fixtures';
import { demo, joinLink, MEMBER_CODE } from '../wallet-page';
import { QR_LABEL, cachedUrls, waitForServiceWorkerControl } from '../pwa';

test('after one visit online, `/` and a card start offline from a cold reload', async ({
  page,
  context,
  baseURL,
}) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  const cardPath = new URL(page.url()).pathname;
  await waitForServiceWorkerControl(page);

  await context.setOffline(true);

  // A cold reload of the card route: index.html, js, wasm and css from the cache.
  await page.reload();
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  const payload = await decodeQrFromElement(page.getByRole('img', { name: QR_LABEL }));
  expect(payload).toMatch(MEMBER_CODE);

  // A cold load and reload of the wallet.
  await page.goto('/');
  await expect(page.getByTestId('membership-tile')).toContainText(demo.cafe.zh);
  await page.reload();
  await expect(page.getByTestId('membership-tile')).toContainText(demo.cafe.zh);

  // A new tab: the app starting from nothing, as from the home screen.
  const fresh = await context.newPage();
  await fresh.goto(cardPath);
  expect(await decodeQrFromElement(fresh.getByRole('img', { name: QR_LABEL }))).toMatch(MEMBER_CODE);

  // The home-screen shortcut "Show my code" opens the card used last.
  const shortcut = await context.newPage();
  await shortcut.goto('/m/last');
  await expect(shortcut).toHaveURL(cardPath);
  expect(await decodeQrFromElement(shortcut.getByRole('img', { name: QR_LABEL }))).toMatch(MEMBER_CODE);

  // The code made offline is a real one: the cashier (online) accepts it.
  await context.setOffline(false);
  const scan = await cashierScan(baseURL!, demo.cafe.cashierKey, payload);
  expect(scan.status).toBe(200);
});

test('the cache holds the app shell only: no API answer, nothing from another origin', async ({
  page,
  baseURL,
}) => {
  await page.goto(joinLink(baseURL!, demo.books.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  await waitForServiceWorkerControl(page);
  // Talk to the API through the controlled page, as the sync engine does.
  const status = await page.evaluate(async () => (await fetch('/v1/cashier/scan', { method: 'POST' })).status);
  expect(status).toBeGreaterThanOrEqual(400);
  await page.reload();

  const caches = await cachedUrls(page);
  const names = Object.keys(caches);
  expect(names).toHaveLength(1);
  expect(names[0]).toMatch(/^mw-precache-[0-9a-f]{16}$/);
  const paths = caches[names[0]].map((url) => new URL(url));
  expect(paths.every((url) => url.origin === new URL(baseURL!).origin)).toBe(true);
  expect(paths.filter((url) => url.pathname.startsWith('/v1'))).toEqual([]);
  const files = paths.map((url) => url.pathname);
  expect(files).toContain('/index.html');
  expect(files).toContain('/manifest.webmanifest');
  // Trunk's content hash is a u64 in hex without leading zeros: usually 16 digits, sometimes fewer.
  expect(files.some((f) => /^\/wallet-app-[0-9a-f]{1,16}_bg\.wasm$/.test(f))).toBe(true);
  expect(files.some((f) => /^\/wallet-app-[0-9a-f]{1,16}\.js$/.test(f))).toBe(true);
  expect(files).not.toContain('/sw.js');
});
