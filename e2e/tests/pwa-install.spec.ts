// Installing: the manifest and icons a browser needs, the install offer where the browser makes
// one, the "Add to Home Screen" guide on iOS Safari, nothing once installed; the "Show my code"
// shortcut; persistent storage asked for after the first membership; the settings page.
import { PNG } from 'pngjs';
import { test, expect } from '../fixtures';
import { demo, joinLink } from '../wallet-page';
import { waitForServiceWorkerControl } from '../pwa';

const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

test('the manifest, its icons and the worker are served as a browser installs them', async ({ page, request }) => {
  await page.goto('/');
  await expect(page.locator('link[rel="manifest"]')).toHaveAttribute('href', '/manifest.webmanifest');

  const response = await request.get('/manifest.webmanifest');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await response.json();
  expect(manifest).toMatchObject({
    name: '會員錢包 Member Wallet',
    short_name: '會員錢包',
    start_url: '/',
    scope: '/',
    display: 'standalone',
    theme_color: '#1f2a44',
  });
  expect(manifest.shortcuts[0]).toMatchObject({ url: '/m/last' });
  expect(manifest.shortcuts[0].name).toContain('出示會員條碼');
  const purposes = new Set<string>();
  for (const icon of manifest.icons) {
    const png = await request.get(icon.src);
    expect(png.status(), icon.src).toBe(200);
    expect(png.headers()['content-type']).toBe('image/png');
    const { width, height } = PNG.sync.read(await png.body());
    expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
    purposes.add(`${icon.sizes} ${icon.purpose}`);
  }
  expect([...purposes].sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);

  // The worker script: JavaScript, and never used from the HTTP cache without asking.
  const sw = await request.get('/sw.js');
  expect(sw.headers()['content-type']).toMatch(/javascript/);
  expect(sw.headers()['cache-control']).toBe('no-cache');
});

test('"Show my code" opens the card used last, or the wallet when there is none', async ({ page, baseURL }) => {
  await page.goto('/m/last');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('wallet-empty')).toBeVisible();

  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  const cafe = page.url();
  await page.goto(joinLink(baseURL!, demo.books.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  const books = page.url();
  await page.getByRole('link', { name: '返回' }).click();
  await page.getByTestId('membership-tile').filter({ hasText: demo.cafe.zh }).click();
  await expect(page).toHaveURL(cafe);

  await page.goto('/m/last');
  await expect(page).toHaveURL(cafe);
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  // The redirect replaced itself: "back" cannot land on /m/last and bounce to the card again.
  await page.goBack();
  await expect(page).not.toHaveURL(/\/m\/last$/);
  expect(books).not.toBe(cafe);
});

test('persistent storage is asked for once, after the first membership', async ({ page, baseURL }) => {
  await page.addInitScript(() => {
    const original = StorageManager.prototype.persist;
    StorageManager.prototype.persist = function () {
      (window as any).__persistCalls = ((window as any).__persistCalls ?? 0) + 1;
      return original.call(this);
    };
  });
  const calls = () => page.evaluate(() => (window as any).__persistCalls ?? 0);
  await page.goto('/');
  await expect(page.getByTestId('wallet-empty')).toBeVisible();
  expect(await calls()).toBe(0);

  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  await expect.poll(calls).toBe(1);
  await page.goto('/');
  await expect(page.getByTestId('membership-tile')).toBeVisible();
  expect(await calls()).toBe(0); // a new start does not ask again
});

test('Chrome\'s install offer becomes a button on the wallet, used once', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  await page.getByRole('link', { name: '返回' }).click();
  await expect(page.getByTestId('membership-tile')).toBeVisible();
  await expect(page.getByTestId('install-prompt')).toHaveCount(0);

  // What Chrome fires when the wallet is installable (headless Chromium never does).
  await page.evaluate(() => {
    const offer = new Event('beforeinstallprompt', { cancelable: true }) as any;
    offer.prompt = () => {
      (window as any).__prompted = ((window as any).__prompted ?? 0) + 1;
      return Promise.resolve();
    };
    offer.userChoice = Promise.resolve({ outcome: 'accepted', platform: 'web' });
    window.dispatchEvent(offer);
  });
  const offer = page.getByTestId('install-prompt');
  await expect(offer).toContainText('加到主畫面');
  await offer.getByRole('button', { name: '安裝' }).click();
  await expect(offer).toHaveCount(0);
  expect(await page.evaluate(() => (window as any).__prompted)).toBe(1);
});

test.describe('iOS Safari', () => {
  test.use({ userAgent: IPHONE_SAFARI });

  test('shows how to add to the home screen, until dismissed', async ({ page, baseURL }) => {
    await page.goto('/');
    // An empty wallet talks about joining, not installing.
    await expect(page.getByTestId('wallet-empty')).toBeVisible();
    await expect(page.getByTestId('install-guide')).toHaveCount(0);

    await page.goto(joinLink(baseURL!, demo.books.code));
    // On the card: the join page has a back link of its own, and joining ends on the card.
    await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
    await page.getByRole('link', { name: '返回' }).click();
    const guide = page.getByTestId('install-guide');
    await expect(guide).toContainText('「加入主畫面」');
    await guide.getByRole('button', { name: '先不用' }).click();
    await expect(guide).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('membership-tile')).toBeVisible();
    await expect(guide).toHaveCount(0);
  });

  test('shows nothing when already opened from the home screen', async ({ page, baseURL }) => {
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'standalone', { get: () => true, configurable: true });
    });
    await page.goto(joinLink(baseURL!, demo.books.code));
    await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
    await page.getByRole('link', { name: '返回' }).click();
    await expect(page.getByTestId('membership-tile')).toBeVisible();
    await expect(page.getByTestId('install-guide')).toHaveCount(0);
    await expect(page.getByTestId('install-prompt')).toHaveCount(0);
  });
});

test('settings show storage, persistence, offline readiness, language and version', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.yakiniku.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  await waitForServiceWorkerControl(page);
  await page.getByRole('link', { name: '返回' }).click();
  await page.getByRole('link', { name: '設定' }).click();
  await expect(page).toHaveURL(/\/settings$/);

  await expect(page.getByRole('heading', { name: '設定' })).toBeVisible();
  await expect(page.getByTestId('storage-used')).toContainText(/已使用 \d+(\.\d)? (KB|MB)/);
  await expect(page.getByTestId('storage-persistent')).toContainText(/永久保存/);
  await expect(page.getByTestId('offline-status')).toHaveText('已可離線使用：沒有網路也能開啟錢包。');
  await expect(page.getByTestId('app-version')).toHaveText(/^\d+\.\d+\.\d+$/);
  await page.screenshot({ path: 'output/screenshots/settings.png' });

  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(page.getByTestId('offline-status')).toHaveText('Ready: the wallet opens without a connection.');
});
