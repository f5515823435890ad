// An exchange queued offline that the shop refuses when it arrives: the customer is told what and
// why in their language, the balance is the shop's (nothing taken, no coupon), and the notice
// stays until dismissed.
import { randomUUID } from 'node:crypto';
import { test, expect, decodeQrFromElement } from '../fixtures';
import { demo, joinLink } from '../wallet-page';
import { cashierPurchase, nudgeSync } from '../loyalty-helpers';
import { membershipOf } from '../fault-helpers';
import { serverSnapshot, storedToken } from '../sync-helpers';

test('an exchange refused for too few points says so, takes nothing and gives no coupon', async ({ page, context, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.yakiniku.code));
  await expect(page.getByTestId('points-balance')).toHaveText('100 點'); // welcome points
  const payload = await decodeQrFromElement(page.getByRole('img', { name: '會員條碼，請店員掃描' }));
  expect((await cashierPurchase(baseURL!, demo.yakiniku.cashierKey, payload, 2000)).status).toBe(200);
  await nudgeSync(page);
  await expect(page.getByTestId('points-balance')).toHaveText('120 點');
  const membership = await membershipOf(page, baseURL!);

  // Offline, the customer exchanges 120 points for the dessert: pending.
  await context.setOffline(true);
  const dessert = page.getByTestId('reward').filter({ hasText: '抹茶冰淇淋' });
  await dessert.getByRole('button', { name: '兌換' }).click();
  await expect(page.getByTestId('points-pending')).toHaveText('兌換中 −120 點');

  // Meanwhile the shop takes 50 points back (a correction at the till).
  const adjust = await fetch(new URL('/v1/cashier/adjust', baseURL), {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.yakiniku.cashierKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ membership_id: membership.id, delta_points: -50, reason: 'adjustment', request_id: randomUUID() }),
  });
  expect(adjust.status).toBe(200);

  await context.setOffline(false);
  const notice = page.getByTestId('rejected');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('店家沒有接受這項變更');
  await expect(notice.getByTestId('rejected-item')).toHaveText('兌換「抹茶冰淇淋」點數不足，沒有兌換，點數沒有扣除。');
  await expect(page.getByTestId('points-pending')).toHaveCount(0);
  await expect(page.getByTestId('points-balance')).toHaveText('70 點');
  await expect(page.getByTestId('coupons-link')).toContainText('0 張可使用');
  await page.screenshot({ path: 'output/screenshots/exchange-refused.png', fullPage: true });

  // On the server: no exchange, no coupon, the balance after the correction only.
  const { token } = await storedToken(page);
  const snapshot = await serverSnapshot(baseURL!, token);
  expect(snapshot.filter((c) => c.kind === 'points_balance')[0].data.balance).toBe(70);
  expect(snapshot.filter((c) => c.kind === 'coupon' && !c.deleted)).toHaveLength(0);
  expect(snapshot.filter((c) => c.kind === 'ledger_entry' && c.data.reason === 'reward_exchange')).toHaveLength(0);

  // It stays until dismissed, across a reload; dismissed, it is gone for good.
  await page.reload();
  await expect(page.getByTestId('rejected')).toBeVisible();
  await page.getByTestId('rejected').getByRole('button', { name: '知道了' }).click();
  await expect(page.getByTestId('rejected')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('points-balance')).toHaveText('70 點');
  await expect(page.getByTestId('rejected')).toHaveCount(0);
});
