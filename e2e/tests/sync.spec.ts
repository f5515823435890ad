// The customer's actions go into the outbox and reach the issuer exactly once, through the real
// sync engine and the real server.
import { test, expect } from '../fixtures';
import { demo, joinLink } from '../wallet-page';
import { serverMembership, storedToken } from '../sync-helpers';

test('a name saved on the card shows as pending, then reaches the shop', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  const profile = page.getByTestId('member-profile');
  await expect(profile.getByTestId('display-name')).toContainText('尚未設定');

  // Offline first, so the pending state is certain to be seen.
  await page.context().setOffline(true);
  await profile.getByRole('textbox').fill('小明');
  await profile.getByRole('button', { name: '儲存' }).click();
  await expect(profile.getByTestId('display-name')).toContainText('小明');
  await expect(profile.getByTestId('pending')).toBeVisible();

  await page.context().setOffline(false);
  await expect(profile.getByTestId('pending')).toBeHidden();
  await expect(profile.getByTestId('display-name')).toContainText('小明');

  const { id, token } = await storedToken(page);
  const onServer = await serverMembership(baseURL!, token, id);
  expect(onServer.display_name).toBe('小明');
  await page.screenshot({ path: 'output/screenshots/card-synced.png', fullPage: true });
});

test('the wallet says when it is offline and how many actions wait', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.books.code));
  const profile = page.getByTestId('member-profile');
  await expect(profile).toBeVisible();
  await page.context().setOffline(true);
  for (const name of ['甲', '乙']) {
    await profile.getByRole('textbox').fill(name);
    await profile.getByRole('button', { name: '儲存' }).click();
    await expect(profile.getByTestId('display-name')).toContainText(name);
  }
  await page.getByRole('link', { name: '返回' }).click();
  await expect(page.getByTestId('sync-status')).toContainText('離線中');
  await expect(page.getByTestId('sync-waiting')).toHaveText('2 個動作等待送出');
  await page.screenshot({ path: 'output/screenshots/wallet-offline.png', fullPage: true });

  await page.context().setOffline(false);
  await expect(page.getByTestId('sync-status')).toContainText('已同步');
  await expect(page.getByTestId('sync-waiting')).toHaveCount(0);
});
