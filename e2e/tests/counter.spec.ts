// The member QR before the app (counter/, docs/architecture.md "The member QR before the app"):
// on a card route the counter draws the card from IndexedDB while the app's wasm is held back;
// the cashier accepts the code read from its pixels; the app takes over without a changed pixel
// and the next step's code is accepted too.
import type { Page, Route } from '@playwright/test';
import { test, expect, decodeQrFromElement, decodeQrPng, cashierScan } from '../fixtures';
import { demo, joinLink, MEMBER_CODE } from '../wallet-page';
import { QR_LABEL, waitForServiceWorkerControl } from '../pwa';

/** Holds the app's wasm (not the counter's) back until `release` is called. */
async function holdAppWasm(page: Page) {
  const held: Route[] = [];
  let release = false;
  await page.route(/\/wallet-app-[0-9a-f]+_bg\.wasm$/, (route) => (release ? route.continue() : held.push(route)));
  return {
    waiting: () => held.length,
    release: async () => {
      release = true;
      for (const route of held.splice(0)) await route.continue();
    },
  };
}

/** Joins the demo café and returns its card's URL. */
async function joinCafe(page: Page, baseURL: string): Promise<string> {
  await page.goto(joinLink(baseURL, demo.cafe.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  return page.url();
}

test.describe('without a service worker (every request can be held)', () => {
  // Requests a service worker answers from its cache never reach page.route.
  test.use({ serviceWorkers: 'block' });

  test('the QR drawn before the app is accepted, and after the hand-over the next step\'s is too', async ({ page, baseURL }) => {
    // The page's clock starts a second into the current TOTP step and runs from there, so the
    // code keeps its step for 29 s however slow the machine is; the test then moves it one step
    // instead of waiting 30 s. The server accepts a step either side of its own clock, which is
    // at most 29 s ahead.
    const stepMillis = 30_000;
    await page.clock.install({ time: Math.floor(Date.now() / stepMillis) * stepMillis + 1_000 });
    const card = await joinCafe(page, baseURL!);
    const wasm = await holdAppWasm(page);
    await page.goto(card);

    const layer = page.locator('#counter');
    const qr = layer.getByRole('img', { name: QR_LABEL });
    await expect(qr).toBeVisible();
    await expect(layer.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
    await expect(layer.getByTestId('countdown')).toContainText('秒後更新');
    // The app asked for its wasm only after the counter's QR, and has not started.
    await expect.poll(wasm.waiting).toBe(1);
    expect(await page.evaluate(() => 'wasmBindings' in window)).toBe(false);
    await page.screenshot({ path: 'output/screenshots/counter-before-app.png' });

    const first = await decodeQrFromElement(qr);
    const [, membershipId, code] = first.match(MEMBER_CODE) ?? [];
    expect(membershipId, `a v1 member code, got ${first}`).toBe(card.split('/').pop());
    await expect(layer.getByTestId('one-time-code')).toHaveText(`${code.slice(0, 3)} ${code.slice(3)}`);
    const accepted = await cashierScan(baseURL!, demo.cafe.cashierKey, first);
    expect(accepted.status).toBe(200);
    expect(accepted.body.membership_id).toBe(membershipId);

    await wasm.release();
    await expect(layer).toHaveCount(0);
    const appQr = page.getByRole('img', { name: QR_LABEL });
    await expect(appQr).toBeVisible();
    // The app's loyalty sections come once its card is painted: the app is running.
    await expect(page.getByRole('heading', { name: demo.cafe.zh })).toHaveCount(1);
    await page.screenshot({ path: 'output/screenshots/counter-after-app.png' });
    expect(await decodeQrFromElement(appQr), 'the same code until its step ends').toBe(first);

    await page.clock.fastForward(stepMillis);
    await expect.poll(() => decodeQrFromElement(appQr), { message: 'the next step\'s code' }).not.toBe(first);
    const next = await decodeQrFromElement(appQr);
    expect(next.match(MEMBER_CODE)?.[1]).toBe(membershipId);
    const nextAccepted = await cashierScan(baseURL!, demo.cafe.cashierKey, next);
    expect(nextAccepted.status).toBe(200);
  });

  test('the app takes over without a pixel changing', async ({ page, baseURL }) => {
    const card = await joinCafe(page, baseURL!);
    // One instant for both screenshots: the same code and countdown; timers still run.
    await page.clock.setFixedTime(Date.now());
    const wasm = await holdAppWasm(page);
    await page.goto(card);
    const layer = page.locator('#counter');
    await expect(layer.getByRole('img', { name: QR_LABEL })).toBeVisible();
    await expect.poll(wasm.waiting).toBe(1);
    // Down to the last line the counter draws (the app adds its loyalty sections below it).
    const bottom = await layer.locator('main > p').last().evaluate((p) => p.getBoundingClientRect().bottom);
    const clip = { x: 0, y: 0, width: 390, height: Math.ceil(bottom) };
    const before = await page.screenshot({ clip });
    const boxBefore = await layer.getByTestId('member-qr').boundingBox();

    await wasm.release();
    await expect(layer).toHaveCount(0);
    const appQr = page.getByTestId('member-qr');
    await expect(appQr).toBeVisible();
    expect(await appQr.boundingBox()).toEqual(boxBefore);
    const after = await page.screenshot({ clip });
    expect(decodeQrPng(after)).toMatch(MEMBER_CODE);
    expect(after.equals(before), 'the screen above the loyalty sections is the same before and after the hand-over').toBe(true);
  });

  test('"Show my code" draws the card opened last before the app', async ({ page, baseURL }) => {
    const card = await joinCafe(page, baseURL!);
    const wasm = await holdAppWasm(page);
    await page.goto('/m/last');
    await expect(page.locator('#counter').getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
    await wasm.release();
    await expect(page.locator('#counter')).toHaveCount(0);
    await expect(page).toHaveURL(card);
    await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  });

  test('a card not in the wallet: nothing drawn, no database made, the app says so', async ({ page }) => {
    const wasm = await holdAppWasm(page);
    await page.goto('/m/7K3D9QX2M4PA');
    // The counter gave up, so the app's wasm is asked for.
    await expect.poll(wasm.waiting).toBe(1);
    await expect(page.locator('#counter')).toHaveCount(0);
    expect(await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))).toEqual([]);
    await wasm.release();
    await expect(page.getByText('錢包裡沒有這張會員卡。')).toBeVisible();
  });
});

test('offline from the service worker, the counter draws the card and the app takes over', async ({ page, context, baseURL }) => {
  const card = await joinCafe(page, baseURL!);
  await waitForServiceWorkerControl(page);
  const precached = await page.evaluate(async () => (await fetch('/sw.js')).text());
  expect(precached).toContain('"/wallet-counter_bg.wasm"');
  expect(precached).toContain('"/wallet-counter.js"');
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('img', { name: QR_LABEL })).toBeVisible();
  await expect(page.locator('#counter')).toHaveCount(0);
  expect(
    await page.evaluate(() => performance.getEntriesByName('mw:counter-qr-shown').length),
    'the counter drew the QR first',
  ).toBe(1);
  await context.setOffline(false);
});
