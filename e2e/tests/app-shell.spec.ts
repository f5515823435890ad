// The wallet home is painted from index.html before the wasm arrives (most of the first screen's
// bytes): the welcome on a first visit, blank tiles for a returning customer, in the language the
// app will use; it goes once the app has rendered, and never covers another route.
import type { Page, Route } from '@playwright/test';
import { test, expect } from '../fixtures';
import { demo, joinLink } from '../wallet-page';

// Requests a service worker answers from its cache never reach page.route: without one, the wasm
// can be held back on every load.
test.use({ serviceWorkers: 'block' });

/** Holds the wasm back until `release` is called. */
async function holdWasm(page: Page) {
  const held: Route[] = [];
  let release = false;
  await page.route('**/*.wasm', (route) => (release ? route.continue() : held.push(route)));
  return {
    waiting: () => held.length,
    release: async () => {
      release = true;
      for (const route of held.splice(0)) await route.continue();
    },
  };
}

test('a first visit sees the welcome before the app has loaded, and nothing moves when it has', async ({ page }) => {
  const wasm = await holdWasm(page);
  await page.goto('/');
  const shell = page.locator('#shell');
  await expect(shell.getByText('還沒有會員卡')).toBeVisible();
  await expect(shell.getByText('加入會員')).toBeVisible();
  await expect.poll(wasm.waiting).toBe(1);
  await expect(shell.getByText('掃描店家的 QR 碼')).toBeVisible();
  const scanBefore = await shell.getByText('掃描店家的 QR 碼').boundingBox();
  const joinBefore = await shell.getByText('加入會員').boundingBox();

  await wasm.release();
  await expect(shell).toHaveCount(0);
  const scan = page.getByRole('link', { name: '掃描店家的 QR 碼' });
  const join = page.getByRole('link', { name: '加入會員' });
  await expect(join).toBeVisible();
  expect(await scan.boundingBox()).toEqual(scanBefore);
  expect(await join.boundingBox()).toEqual(joinBefore);
});

test.describe('an English browser', () => {
  test.use({ locale: 'en-US' });

  test('sees it in English', async ({ page }) => {
    const wasm = await holdWasm(page);
    await page.goto('/');
    await expect(page.locator('#shell').getByText('No memberships yet')).toBeVisible();
    await wasm.release();
    await expect(page.getByRole('heading', { name: 'No memberships yet' })).toBeVisible();
  });
});

test('a returning customer sees a placeholder per card, and a card route is never covered', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  const cardUrl = page.url();
  await page.goto('/');
  await expect(page.getByTestId('wallet-list').getByRole('link')).toHaveCount(1);

  const wasm = await holdWasm(page);
  await page.reload();
  await expect(page.locator('#shell .boot-tile')).toHaveCount(1);
  await expect(page.locator('#shell')).not.toContainText('還沒有會員卡');
  await wasm.release();
  await expect(page.locator('#shell')).toHaveCount(0);

  await page.goto(cardUrl);
  await expect(page.locator('#shell')).toHaveCount(0);
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
});
