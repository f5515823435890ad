// The walking skeleton's main journey: a customer joins a merchant from its link, shows the member
// QR, and the cashier's scanner reads it from pixels and the server accepts it exactly once.
import { test, expect, decodeQrFromElement, cashierScan } from '../fixtures';
import { demo, joinLink, MEMBER_CODE } from '../wallet-page';
import { waitForServiceWorkerControl } from '../pwa';

test('join from a demo link, show the QR, the cashier scans it once; the next code works', async ({
  page,
  baseURL,
}, testInfo) => {
  // The page's clock runs in real time from now; the test moves it forward by one TOTP step
  // instead of waiting 30 s. The server keeps real time and accepts the current step +-1.
  await page.clock.install();
  await page.goto(joinLink(baseURL!, demo.cafe.code));

  // Joining lands on the member card of that merchant.
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  const qr = page.getByRole('img', { name: '會員條碼，請店員掃描' });
  await expect(qr).toBeVisible();
  await expect(page.getByTestId('countdown')).toContainText('秒後更新');
  await page.screenshot({ path: 'output/screenshots/card.png', fullPage: true });

  // The cashier's scanner reads the code from the screen.
  const first = await decodeQrFromElement(qr);
  const [, membershipId] = first.match(MEMBER_CODE) ?? [];
  expect(membershipId, `a v1 member code, got ${first}`).toBeTruthy();
  // The member number printed under the QR is the same membership, for typing by hand.
  await expect(page.getByTestId('member-number')).toHaveText(membershipId.replace(/(.{4})(?=.)/g, '$1 '));

  const accepted = await cashierScan(baseURL!, demo.cafe.cashierKey, first);
  expect(accepted.status).toBe(200);
  expect(accepted.body.membership_id).toBe(membershipId);
  expect(accepted.body.merchant_id).toBe('morning-cafe');

  // A photo of the code is useless: the same payload again is a replay.
  const replay = await cashierScan(baseURL!, demo.cafe.cashierKey, first);
  expect(replay.status).toBe(409);
  expect(replay.body.error.code).toBe('code_already_used');

  // One step later the card shows a new code, and that one is accepted.
  await page.clock.fastForward(30_000);
  await expect
    .poll(async () => decodeQrFromElement(qr), { message: 'the QR changes after one step' })
    .not.toBe(first);
  const second = await decodeQrFromElement(qr);
  expect(second).toMatch(MEMBER_CODE);
  expect(second.match(MEMBER_CODE)![1]).toBe(membershipId);
  const next = await cashierScan(baseURL!, demo.cafe.cashierKey, second);
  expect(next.status).toBe(200);
  expect(next.body.membership_id).toBe(membershipId);

  // Another merchant's cashier cannot use this membership's code.
  const elsewhere = await cashierScan(baseURL!, demo.books.cashierKey, second);
  expect(elsewhere.status).toBe(404);

  // The wallet lists the membership under the merchant's name.
  await page.getByRole('link', { name: '返回' }).click();
  await expect(page.getByTestId('membership-tile')).toHaveCount(1);
  await expect(page.getByTestId('membership-tile')).toContainText(demo.cafe.zh);
  await page.screenshot({ path: 'output/screenshots/wallet.png', fullPage: true });
  testInfo.annotations.push({ type: 'screenshots', description: 'e2e/output/screenshots/{card,wallet}.png' });
});

test('opening the same join link again opens the card instead of joining twice', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.books.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  const firstCard = page.url();
  await page.goto(joinLink(baseURL!, demo.books.code.toLowerCase()));
  await expect(page).toHaveURL(firstCard);
  await page.goto('/');
  await expect(page.getByTestId('membership-tile')).toHaveCount(1);
});

test('a code typed into the join form joins the wallet\'s own issuer', async ({ page }) => {
  await page.goto('/join');
  await page.getByLabel('加入代碼或連結').fill('yakiniku');
  await page.getByRole('button', { name: '加入', exact: true }).click();
  await expect(page.getByRole('heading', { name: demo.yakiniku.zh })).toBeVisible();
});

test('tapping back while a join is under way stays on the wallet, and the card still arrives', async ({
  page,
  baseURL,
}) => {
  // The issuer's answer is held until the customer has left the join page.
  let answer!: () => void;
  const held = new Promise<void>((resolve) => (answer = resolve));
  await page.route('**/v1/enroll', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page.getByTestId('join-status')).toBeVisible();
  await page.getByRole('link', { name: '返回' }).click();
  await expect(page.getByRole('heading', { name: '我的會員卡' })).toBeVisible();

  // The first sync of the new card is asked for right where the join used to move to the card.
  const firstSync = page.waitForResponse((response) => new URL(response.url()).pathname === '/v1/sync');
  answer();
  await expect(page.getByTestId('membership-tile')).toContainText(demo.cafe.zh);
  await firstSync;
  expect(new URL(page.url()).pathname).toBe('/');
});

test('a join link opened offline joins with one tap once back online', async ({ page, context, baseURL }) => {
  // The app is installed (the service worker serves it offline) when the customer scans the QR.
  await page.goto('/');
  await waitForServiceWorkerControl(page);
  await context.setOffline(true);
  await page.goto(joinLink(baseURL!, demo.books.code));
  await expect(page.getByTestId('join-error')).toContainText('目前沒有網路');
  // The link stays in the form, issuer and all, for the retry.
  await expect(page.getByLabel('加入代碼或連結')).toHaveValue(/code=BOOKS/);
  await page.screenshot({ path: 'output/screenshots/join-offline.png' });

  await context.setOffline(false);
  await page.getByRole('button', { name: '加入', exact: true }).click();
  await expect(page.getByRole('heading', { name: demo.books.zh })).toBeVisible();
});

test.describe('an issuer that allows one join a minute from a network', () => {
  test.use({ serverArgs: ['--enroll-limit', '1'], serverPerTest: true });

  test('a second join is refused in words a customer understands, and the wallet keeps its card', async ({
    page,
    baseURL,
  }) => {
    await page.goto(joinLink(baseURL!, demo.cafe.code));
    await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
    await page.goto(joinLink(baseURL!, demo.books.code));
    await expect(page.getByTestId('join-error')).toContainText('這個網路剛剛有很多人加入，請過一分鐘再試。');
    await page.screenshot({ path: 'output/screenshots/join-too-many.png' });
    await page.getByRole('link', { name: '返回' }).click();
    await expect(page.getByTestId('membership-tile')).toHaveCount(1);
    await expect(page.getByTestId('membership-tile')).toContainText(demo.cafe.zh);
  });
});
