// Memberships live in IndexedDB: they survive a reload and the QR is computed with no network.
import { test, expect, decodeQrFromElement, cashierScan } from '../fixtures';
import { demo, joinLink, MEMBER_CODE } from '../wallet-page';

test('memberships survive a reload and a new tab', async ({ page, context, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.yakiniku.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  await page.goto('/');
  await expect(page.getByTestId('membership-tile')).toHaveCount(1);

  await page.reload();
  await expect(page.getByTestId('membership-tile')).toContainText(demo.yakiniku.zh);

  const other = await context.newPage();
  await other.goto('/');
  await expect(other.getByTestId('membership-tile')).toContainText(demo.yakiniku.zh);
});

test('offline, the card still shows a QR the cashier accepts', async ({ page, context, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  const cardPath = new URL(page.url()).pathname;

  // This test keeps the page open, cuts the network, and navigates inside the app (client-side
  // routing), which must need nothing from the network (the cold offline start is
  // pwa-offline.spec.ts's). The network goes once the app has started: cut while its wasm is
  // still arriving, the page would have no app at all.
  await page.goto('/');
  await expect(page.getByTestId('membership-tile')).toHaveCount(1);
  await context.setOffline(true);
  await page.getByTestId('membership-tile').click();
  await expect(page).toHaveURL(cardPath);
  const qr = page.getByRole('img', { name: '會員條碼，請店員掃描' });
  const payload = await decodeQrFromElement(qr);
  expect(payload).toMatch(MEMBER_CODE);

  // The code made offline is a real one: the cashier (who is online) accepts it.
  await context.setOffline(false);
  const scan = await cashierScan(baseURL!, demo.cafe.cashierKey, payload);
  expect(scan.status).toBe(200);
});
