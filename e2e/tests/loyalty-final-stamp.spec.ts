// Stamps a customer was owed, added by the cashier (補章), then the final stamp of a real purchase:
// the wallet shows 9 of 10, then the drink coupon ready in its coupon box and a new, empty card.
import { test, expect, decodeQrFromElement } from '../fixtures';
import { demo, joinLink, MEMBER_CODE } from '../wallet-page';
import { cashierAdjustStamps, cashierPurchase, nudgeSync } from '../loyalty-helpers';

const memberQr = (page: import('@playwright/test').Page) => page.getByRole('img', { name: '會員條碼，請店員掃描' });

test('the cashier adds nine owed stamps, a purchase gives the tenth, and the drink coupon is ready', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  const card = page.getByTestId('stamp-card');
  await expect(card.getByTestId('stamp-grid')).toHaveAttribute('aria-label', '0 / 10 點');

  // The till reads the member number off the QR and adds the nine stamps the customer was owed.
  const [, membershipId] = MEMBER_CODE.exec(await decodeQrFromElement(memberQr(page)))!;
  const adjusted = await cashierAdjustStamps(baseURL!, demo.cafe.cashierKey, membershipId, 9);
  expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(200);
  expect(adjusted.body.stamps).toMatchObject({ stamps: 9, stamps_required: 10, cards_completed: 0 });
  expect(adjusted.body.coupons_issued.map((c: any) => c.title['zh-TW'])).toEqual(['司康一個']);

  await nudgeSync(page);
  await expect(card.getByTestId('stamp-grid')).toHaveAttribute('aria-label', '9 / 10 點');
  await expect(card.locator('.stamp.filled')).toHaveCount(9);
  await expect(card.getByTestId('stamps-next')).toContainText('再集 1 點可得：任選飲品一杯');
  await expect(page.getByTestId('coupons-link')).toContainText('1 張可使用');

  // A real purchase, scanned from the member QR, the same day: the daily limit counts purchases
  // only, so it gives the tenth stamp.
  const payload = await decodeQrFromElement(memberQr(page));
  const purchase = await cashierPurchase(baseURL!, demo.cafe.cashierKey, payload, 180);
  expect(purchase.status, JSON.stringify(purchase.body)).toBe(200);
  expect(purchase.body.stamps).toMatchObject({ granted: 1, cards_completed: 1, stamps: 0 });
  expect(purchase.body.coupons_issued.map((c: any) => c.title['zh-TW'])).toEqual(['任選飲品一杯']);

  // The completed card is rewarded; the wallet shows the next, empty card.
  await nudgeSync(page);
  await expect(page.getByTestId('coupons-link')).toContainText('2 張可使用');
  await expect(page.getByTestId('stamp-card')).toHaveCount(1);
  await expect(card.getByTestId('stamp-grid')).toHaveAttribute('aria-label', '0 / 10 點');
  await expect(card.locator('.stamp.filled')).toHaveCount(0);
  await expect(card.getByTestId('stamps-next')).toContainText('再集 5 點可得：司康一個');

  // The coupon box: the drink is ready to use, next to the scone.
  await page.getByTestId('coupons-link').click();
  await expect(page).toHaveURL(new RegExp(`/m/${membershipId}/coupons$`));
  const drink = page.getByTestId('coupon-card').filter({ hasText: '任選飲品一杯' });
  await expect(drink).toHaveCount(1);
  await expect(drink).toContainText('可使用');
  await expect(drink).toHaveClass(/\bactive\b/);
  await expect(page.getByTestId('coupon-card').filter({ hasText: '司康一個' })).toContainText('可使用');
  await expect(page.getByTestId('coupon-card')).toHaveCount(2);
  await page.screenshot({ path: 'output/screenshots/final-stamp-coupon-box.png', fullPage: true });
});
