// Inside LINE's iOS webview there may be no service worker. The wallet must still start and show
// its cards from IndexedDB, and the QR must work offline. Registration is optional and never in
// the way of starting.
//
// Without a service worker nothing can serve index.html to a cold start with no network (a
// reload offline fails in any browser), so these journeys load the app online, then cut the
// network and move inside the running app.
import { test, expect, decodeQrFromElement, cashierScan } from '../fixtures';
import { demo, joinLink, MEMBER_CODE } from '../wallet-page';
import { QR_LABEL } from '../pwa';

test.describe('service workers blocked', () => {
  test.use({ serviceWorkers: 'block' });

  test('the wallet starts, and offline the card shows a QR the cashier accepts', async ({
    page,
    context,
    baseURL,
  }) => {
    await page.goto(joinLink(baseURL!, demo.cafe.code));
    await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
    const cardPath = new URL(page.url()).pathname;
    await page.goto('/');
    await expect(page.getByTestId('membership-tile')).toContainText(demo.cafe.zh);
    // The settings page knows it cannot start offline here.
    await page.getByRole('link', { name: '設定' }).click();
    await expect(page.getByTestId('offline-status')).toContainText('無法在沒有網路時開啟錢包');
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.length))).toBe(0);

    await context.setOffline(true);
    await page.getByRole('link', { name: '返回' }).click();
    await page.getByTestId('membership-tile').click();
    await expect(page).toHaveURL(cardPath);
    const payload = await decodeQrFromElement(page.getByRole('img', { name: QR_LABEL }));
    expect(payload).toMatch(MEMBER_CODE);

    await context.setOffline(false);
    expect((await cashierScan(baseURL!, demo.cafe.cashierKey, payload)).status).toBe(200);
  });
});

test('with no service worker API at all, the wallet starts and reads its cards', async ({
  page,
  context,
  baseURL,
}) => {
  // LINE's iOS webview (WKWebView): `'serviceWorker' in navigator` is false.
  await page.addInitScript(() => {
    delete (Navigator.prototype as any).serviceWorker;
  });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  await page.goto('/');
  await expect(page.getByTestId('wallet-empty')).toBeVisible();
  expect(await page.evaluate(() => 'serviceWorker' in navigator)).toBe(false);
  await page.goto(joinLink(baseURL!, demo.books.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);

  // Started again from IndexedDB (online: there is nothing to start from offline).
  await page.goto('/');
  await expect(page.getByTestId('membership-tile')).toContainText(demo.books.zh);
  await context.setOffline(true);
  await page.getByTestId('membership-tile').click();
  expect(await decodeQrFromElement(page.getByRole('img', { name: QR_LABEL }))).toMatch(MEMBER_CODE);
  expect(errors).toEqual([]);
});
