// A 401 from the issuer signs the membership out: its card and data stay, read-only.
import { test, expect, decodeQrFromElement } from '../fixtures';
import { demo, joinLink, MEMBER_CODE, storedMemberships } from '../wallet-page';

test('an issuer refusing the token signs the card out but keeps it', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.yakiniku.code));
  await expect(page.getByRole('heading', { name: demo.yakiniku.zh })).toBeVisible();
  const cardUrl = page.url();

  await page.route('**/v1/sync', (route) =>
    route.fulfill({
      status: 401,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'unauthorized', message: 'token revoked' } }),
    }),
  );
  // A reload starts a sync, which now meets the 401.
  await page.reload();
  await expect(page.getByTestId('signed-out')).toBeVisible();
  await expect(page.getByTestId('member-profile').getByRole('button', { name: '儲存' })).toBeDisabled();
  // The card still works at the counter and nothing was deleted.
  expect(await decodeQrFromElement(page.getByRole('img', { name: '會員條碼，請店員掃描' }))).toMatch(MEMBER_CODE);
  expect(await storedMemberships(page)).toBe(1);
  expect(page.url()).toBe(cardUrl);
});
