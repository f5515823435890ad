// A new release never strands the customer and never interrupts a shown member code: the new
// service worker installs and waits; the wallet offers "有新版本 · 更新"; only the tap activates
// it and reloads into the new version, with the wallet's data untouched.
//
// "Deploying" without a slow rebuild: the test serves a copy of dist/ from its own server, then
// changes index.html in that copy and regenerates the precache list with the project's generator
// (service-worker/generate.mjs), exactly what a release build does, so sw.js's bytes change.
import { test, expect, decodeQrFromElement, cashierScan, WalletServer } from '../fixtures';
import { demo, joinLink, storedMemberships, MEMBER_CODE } from '../wallet-page';
import {
  QR_LABEL,
  cachedUrls,
  copyOfDist,
  deployRelease,
  waitForServiceWorkerControl,
  waitForWaitingWorker,
} from '../pwa';

test('an update waits for the tap, stays off the member card, and keeps the data', async ({ page }) => {
  const dist = copyOfDist();
  const server = await WalletServer.start([], dist.dir);
  try {
    const base = server.url;
    const at = (path: string) => new URL(path, base).href;
    const banner = page.getByTestId('update-banner');
    const build = page.locator('meta[name="mw-build"]');

    await page.goto(at(joinLink(base, demo.yakiniku.code)));
    await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
    const cardUrl = page.url();
    await waitForServiceWorkerControl(page);
    await expect(build).toHaveCount(0);

    // A release lands while the customer shows the code at the counter.
    deployRelease(dist.dir, 'release-2');
    await page.evaluate(() => {
      (window as any).__sameDocument = true;
      return navigator.serviceWorker.getRegistration().then((r) => r?.update());
    });
    await waitForWaitingWorker(page);
    // Nothing moves on the card: no banner over the code, no reload, the QR still scans.
    await expect(banner).toBeHidden();
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(await decodeQrFromElement(page.getByRole('img', { name: QR_LABEL }))).toMatch(MEMBER_CODE);

    // Back on the wallet the update is offered, quietly.
    await page.getByRole('link', { name: '返回' }).click();
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('有新版本');
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await page.screenshot({ path: 'output/screenshots/update-banner.png' });

    // A restart does not apply it either: the old version runs until the customer taps.
    await page.reload();
    await expect(page.getByTestId('membership-tile')).toContainText(demo.yakiniku.zh);
    await expect(banner).toBeVisible();
    await expect(build).toHaveCount(0);

    // The tap: the new worker takes over and the page reloads into the new version.
    await banner.getByRole('button', { name: '更新' }).click();
    await expect(build).toHaveAttribute('content', 'release-2');
    await expect(banner).toBeHidden();

    // The data is intact, and the old version's cache is gone.
    await expect(page.getByTestId('membership-tile')).toContainText(demo.yakiniku.zh);
    expect(await storedMemberships(page)).toBe(1);
    expect(Object.keys(await cachedUrls(page))).toHaveLength(1);
    await page.getByTestId('membership-tile').click();
    await expect(page).toHaveURL(cardUrl);
    const payload = await decodeQrFromElement(page.getByRole('img', { name: QR_LABEL }));
    expect((await cashierScan(base, demo.yakiniku.cashierKey, payload)).status).toBe(200);

    // And the new version starts offline too.
    await page.context().setOffline(true);
    await page.reload();
    await expect(build).toHaveAttribute('content', 'release-2');
    expect(await decodeQrFromElement(page.getByRole('img', { name: QR_LABEL }))).toMatch(MEMBER_CODE);
  } finally {
    await server.stop();
    dist.remove();
  }
});
