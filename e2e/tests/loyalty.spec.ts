// Loyalty at the counter and in the wallet: stamps after a purchase, points exchanged offline,
// one coupon redeemed by two cashiers at once, and group points across brands.
import { test, expect, decodeQrFromElement } from '../fixtures';
import { demo, joinLink, MEMBER_CODE } from '../wallet-page';
import { cashierPurchase, cashierRedeem, nudgeSync } from '../loyalty-helpers';
import { serverSnapshot, storedToken } from '../sync-helpers';

const memberQr = (page: import('@playwright/test').Page) => page.getByRole('img', { name: '會員條碼，請店員掃描' });

test('a purchase at the cashier stamps the card, and the new stamp animates', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  const card = page.getByTestId('stamp-card');
  await expect(card).toBeVisible();
  await expect(card.locator('.stamp.filled')).toHaveCount(0);
  await expect(card.getByTestId('stamps-next')).toContainText('再集 5 點可得：司康一個');

  const payload = await decodeQrFromElement(memberQr(page));
  expect(payload).toMatch(MEMBER_CODE);
  const purchase = await cashierPurchase(baseURL!, demo.cafe.cashierKey, payload, 180);
  expect(purchase.status).toBe(200);
  expect(purchase.body.stamps.stamps).toBe(1);

  await nudgeSync(page);
  await expect(card.locator('.stamp.filled')).toHaveCount(1);
  await expect(card.locator('.stamp.new')).toHaveCount(1);
  await expect(card.getByTestId('stamps-next')).toContainText('再集 4 點');
  await page.screenshot({ path: 'output/screenshots/stamp-card.png', fullPage: true });

  // Seen once, the stamp does not animate again.
  await page.reload();
  await expect(page.getByTestId('stamp-card').locator('.stamp.filled')).toHaveCount(1);
  await expect(page.getByTestId('stamp-card').locator('.stamp.new')).toHaveCount(0);
});

test('points exchanged offline are pending, then become a coupon; the balance drops once', async ({ page, context, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.yakiniku.code));
  await expect(page.getByTestId('points-balance')).toHaveText('100 點'); // welcome points
  const payload = await decodeQrFromElement(memberQr(page));
  expect((await cashierPurchase(baseURL!, demo.yakiniku.cashierKey, payload, 2000)).status).toBe(200);
  await nudgeSync(page);
  await expect(page.getByTestId('points-balance')).toHaveText('120 點');

  await context.setOffline(true);
  const dessert = page.getByTestId('reward').filter({ hasText: '120 點' });
  await dessert.getByRole('button', { name: '兌換' }).click();
  await expect(page.getByTestId('points-pending')).toHaveText('兌換中 −120 點');
  await expect(dessert.getByTestId('reward-status')).toHaveText('兌換中，等待同步');
  await expect(page.getByTestId('points-balance')).toHaveText('120 點'); // the server's balance, until it answers

  await context.setOffline(false);
  await expect(page.getByTestId('points-pending')).toHaveCount(0);
  await expect(page.getByTestId('points-balance')).toHaveText('0 點');
  await expect(page.getByTestId('coupons-link')).toContainText('1 張可使用');

  // On the server: one exchange, one coupon, balance 0.
  const { token } = await storedToken(page);
  const snapshot = await serverSnapshot(baseURL!, token);
  expect(snapshot.filter((c) => c.kind === 'points_balance')[0].data.balance).toBe(0);
  expect(snapshot.filter((c) => c.kind === 'coupon' && !c.deleted)).toHaveLength(1);
  expect(snapshot.filter((c) => c.kind === 'ledger_entry' && c.data.reason === 'reward_exchange')).toHaveLength(1);

  await page.getByTestId('coupons-link').click();
  await expect(page.getByTestId('coupon-card')).toHaveCount(1);
  await page.screenshot({ path: 'output/screenshots/coupon-box.png', fullPage: true });

  // The coupon is valid for 30 days: the wallet home lists it under "expiring soon".
  await page.goto('/');
  await expect(page.getByTestId('expiring')).toContainText('抹茶冰淇淋');
  await page.screenshot({ path: 'output/screenshots/wallet-expiring.png', fullPage: true });

  // Opened again, the strip is drawn with the list from the start: it never pushes the list down.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.querySelector('[data-testid="wallet-list"]')) return;
      (window as any).__stripWithList = document.querySelector('[data-testid="expiring"]') !== null;
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  await page.reload();
  await expect(page.getByTestId('expiring')).toContainText('抹茶冰淇淋');
  // The strip may be drawn before the list (it reads less): wait until the list has appeared.
  await expect
    .poll(() => page.evaluate(() => (window as any).__stripWithList), { message: 'the strip is there when the list appears' })
    .toBe(true);
});

test('two cashiers redeem one coupon at the same moment: one succeeds, one hears it is used', async ({ page, context, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.yakiniku.code));
  const payload = await decodeQrFromElement(memberQr(page));
  await cashierPurchase(baseURL!, demo.yakiniku.cashierKey, payload, 2000);
  await nudgeSync(page);
  await expect(page.getByTestId('points-balance')).toHaveText('120 點');
  await page.getByTestId('reward').filter({ hasText: '120 點' }).getByRole('button', { name: '兌換' }).click();
  await expect(page.getByTestId('coupons-link')).toContainText('1 張可使用');

  await page.getByTestId('coupons-link').click();
  await page.getByTestId('coupon-card').click();
  const couponQr = page.getByRole('img', { name: '優惠券條碼' });
  const couponPayload = await decodeQrFromElement(couponQr);
  expect(couponPayload).toMatch(/^MWC1:/);
  await page.screenshot({ path: 'output/screenshots/coupon.png', fullPage: true });

  const [a, b] = await Promise.all([
    cashierRedeem(baseURL!, demo.yakiniku.cashierKey, couponPayload),
    cashierRedeem(baseURL!, demo.yakiniku.cashierKey, couponPayload),
  ]);
  expect([a.status, b.status].sort()).toEqual([200, 409]);
  expect([a, b].find((r) => r.status === 409)!.body.error.code).toBe('coupon_already_used');

  // The wallet learns it was used.
  await nudgeSync(page);
  await expect(page.getByTestId('coupon-state')).toHaveText('已使用');
});

test('a merchant group shares points: earned at one brand, spent at another', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.yakiniku.code));
  await expect(page.getByTestId('points-balance')).toHaveText('100 點');
  const payload = await decodeQrFromElement(memberQr(page));
  expect((await cashierPurchase(baseURL!, demo.yakiniku.cashierKey, payload, 1000)).status).toBe(200);

  // The ramen brand of the same group: joining links the new membership to the same points
  // (110, plus the ramen brand's own 50 welcome points).
  await page.goto(joinLink(baseURL!, 'RAMEN'));
  await expect(page.getByRole('heading', { name: '小巷拉麵' })).toBeVisible();
  await expect(page.getByTestId('points-balance')).toHaveText('160 點');
  await expect(page.getByTestId('points')).toContainText('共用');
  await page.getByTestId('reward').filter({ hasText: '60 點' }).getByRole('button', { name: '兌換' }).click();
  await expect(page.getByTestId('points-balance')).toHaveText('100 點');

  // Back at the yakiniku card, the same balance.
  await page.goto('/');
  await page.getByTestId('membership-tile').filter({ hasText: demo.yakiniku.zh }).click();
  await nudgeSync(page);
  await expect(page.getByTestId('points-balance')).toHaveText('100 點');
});
