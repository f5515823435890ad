// axe-core (npm @axe-core/playwright, pinned) on every page a customer reaches: no serious or
// critical violation (contrast, names of buttons and links, labels, roles, landmarks) anywhere,
// in zh-TW, and the wallet home in English too; and dark mode, where every code stays black on
// white and still reads.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, decodeQrFromElement } from '../fixtures';
import { demo, joinLink, MEMBER_CODE } from '../wallet-page';
import { cashierPurchase, nudgeSync } from '../loyalty-helpers';
import { zbarRead } from '../barcodes';

test.use({ serverPerTest: true });

const memberQr = (page: Page) => page.getByRole('img', { name: '會員條碼，請店員掃描' });

/** Joins `merchant` from its link and buys for NT$`amount` at its till; gives the card's URL. */
async function joinAndBuy(page: Page, baseURL: string, merchant: typeof demo.cafe, amount: number): Promise<string> {
  await page.goto(joinLink(baseURL, merchant.code));
  await expect(page.getByRole('heading', { name: merchant.zh })).toBeVisible();
  const card = page.url();
  const code = await decodeQrFromElement(memberQr(page));
  expect((await cashierPurchase(baseURL, merchant.cashierKey, code, amount)).status).toBe(200);
  await nudgeSync(page);
  return card;
}

/** Fails with each serious or critical violation: the rule, what it asks, and where. */
async function expectAccessible(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect.soft(serious, `${what}: axe found`).toEqual([]);
}

test('every page passes axe with no serious or critical violation', async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await expect(page.getByTestId('scan-cta')).toBeVisible();
  await expectAccessible(page, 'the empty wallet');
  await page.goto('/join');
  await expect(page.getByRole('textbox')).toBeVisible();
  await expectAccessible(page, 'the join page');

  // The café: a purchase stamps the card and brings a survey.
  const cafeCard = await joinAndBuy(page, baseURL!, demo.cafe, 180);
  await expect(page.getByTestId('survey-invite')).toBeVisible({ timeout: 15_000 });
  await expectAccessible(page, 'a member card');
  await page.getByTestId('survey-invite').getByRole('link').click();
  await expect(page.getByTestId('question-overall')).toBeVisible();
  await expectAccessible(page, 'the survey');
  await page.goto(`${cafeCard}/invite`);
  await expect(page.getByTestId('invite-qr')).toBeVisible();
  await expectAccessible(page, 'the invitation page');
  await page.goto(`${cafeCard}/coupons`);
  await expect(page.getByTestId('coupon-list')).toBeVisible();
  await expectAccessible(page, 'the coupon box');
  await page.goto(`${cafeCard}/checkout`);
  await expect(page.getByTestId('checkout-qr')).toBeVisible();
  await expectAccessible(page, 'checkout mode');

  // The yakiniku place: points, a ledger and two game tickets.
  const yakinikuCard = await joinAndBuy(page, baseURL!, demo.yakiniku, 1000);
  await expect(page.getByTestId('games-invite')).toBeVisible({ timeout: 20_000 });
  await page.goto(`${yakinikuCard}/points`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectAccessible(page, 'the points ledger');
  await page.goto(`${yakinikuCard}/games`);
  await expect(page.getByTestId('games-page').getByRole('link').first()).toBeVisible();
  await expectAccessible(page, 'the games');
  await page.getByTestId('games-page').getByRole('link').first().click();
  await expect(page).toHaveURL(/\/games\/[^/]+$/);
  await expect(page.getByTestId('games-page').getByRole('button').first()).toBeVisible();
  await expectAccessible(page, 'a game ticket');

  await page.goto('/');
  await expect(page.getByTestId('wallet-list').getByRole('link')).toHaveCount(2);
  await expectAccessible(page, 'the wallet with cards');
  await page.goto('/arrange');
  await expect(page.getByTestId('arrange-item')).toHaveCount(2);
  await expectAccessible(page, 'arranging the cards');
  await page.goto('/inbox');
  await expect(page.getByTestId('inbox-item').first()).toBeVisible();
  await expectAccessible(page, 'the inbox');
  await page.goto(cafeCard);
  await page.getByTestId('leave-open').click();
  await expect(page.getByRole('alertdialog')).toBeVisible();
  await expectAccessible(page, 'asking before leaving a shop');
  await page.goto('/settings');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByTestId('carrier-input')).toBeVisible();
  await expect(page.getByTestId('import-file')).toBeAttached();
  await expectAccessible(page, 'the settings');
  await page.goto('/scan');
  await expect(page.getByTestId('scan-camera-problem')).toBeVisible({ timeout: 15_000 });
  await expectAccessible(page, 'the scanner');

  // A plain card: the form that adds it, and the card itself.
  await page.goto('/p/new');
  await expect(page.getByTestId('plain-form')).toBeVisible();
  await expectAccessible(page, 'adding a plain card');
  await page.getByTestId('plain-name').fill('社區圖書館');
  await page.getByTestId('plain-type-code39').check();
  await page.getByTestId('plain-number-input').fill('LIB-9988');
  await page.getByTestId('plain-save').click();
  await expect(page.getByTestId('plain-code')).toBeVisible();
  await expectAccessible(page, 'a plain card');
});

test.describe('an English browser', () => {
  test.use({ locale: 'en-US' });

  test('the wallet home passes axe', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByTestId('scan-cta')).toBeVisible();
    await expectAccessible(page, 'the empty wallet in English');
  });
});

test.describe('a phone in dark mode', () => {
  test.use({ colorScheme: 'dark' });

  test('the wallet turns dark, every code stays black on white and reads, and axe passes', async ({
    page,
    baseURL,
  }) => {
    const card = await joinAndBuy(page, baseURL!, demo.cafe, 180);
    // The card: the QR's panel is white in a dark wallet (the purchase above took its code).
    const panel = page.locator('.qr-panel');
    await expect(panel).toHaveCSS('background-color', 'rgb(255, 255, 255)');
    await expect(page.locator('.qr-hint')).toHaveCSS('color', 'rgb(28, 27, 26)');
    expect(await decodeQrFromElement(memberQr(page))).toMatch(MEMBER_CODE);
    await expect(page.getByTestId('survey-invite')).toBeVisible({ timeout: 15_000 });
    await page.screenshot({ path: 'output/screenshots/dark-card.png', fullPage: true });
    await expectAccessible(page, 'the card in dark mode');

    await page.goto('/');
    await expect(page.getByTestId('wallet-list').getByRole('link')).toHaveCount(1);
    await expect(page.locator('html')).toHaveCSS('background-color', 'rgb(18, 19, 23)');
    await page.screenshot({ path: 'output/screenshots/dark-home.png' });
    await expectAccessible(page, 'the wallet in dark mode');

    await page.goto('/settings');
    await page.getByTestId('carrier-input').fill('/DARK.01');
    await page.getByTestId('carrier-save').click();
    await expect(page.getByTestId('carrier-outcome')).not.toBeEmpty();
    await page.screenshot({ path: 'output/screenshots/dark-settings.png', fullPage: true });
    await expectAccessible(page, 'the settings in dark mode');

    await page.goto(`${card}/checkout`);
    await expect(page.getByTestId('checkout-qr')).toBeVisible();
    await expect(page.getByTestId('checkout-member')).toHaveCSS('background-color', 'rgb(255, 255, 255)');
    await expectAccessible(page, 'checkout mode in dark mode');
    await page.getByTestId('checkout-tab-1').click();
    const barcode = page.getByTestId('checkout-barcode');
    await expect(barcode).toBeInViewport({ ratio: 1 });
    await page.screenshot({ path: 'output/screenshots/dark-checkout.png' });
    await expect.poll(() => zbarRead(barcode)).toEqual(['CODE-39:/DARK.01']);
  });
});
