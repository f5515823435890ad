// Member gets member: A invites from the card's invitation page, B joins with A's link in another
// browser; both are rewarded once (the bookshop gives at once: 100 points to A, 50 to B); B's
// second try and A's own link change nothing and say why.
import { test, expect, decodeQrFromElement } from '../fixtures';
import { demo, joinLink } from '../wallet-page';
import { nudgeSync } from '../loyalty-helpers';

test.use({ serverPerTest: true });

test('a friend joins with my invitation: both rewarded once; again, or my own link, gives nothing', async ({
  page,
  browser,
  baseURL,
}) => {
  // A joins the bookshop: 50 welcome points.
  await page.goto(joinLink(baseURL!, demo.books.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  const cardA = page.url();
  await expect(page.getByTestId('points-balance')).toHaveText('50 點');

  await page.getByTestId('invite-link').click();
  await expect(page).toHaveURL(/\/invite$/);
  await expect(page.getByTestId('invite-gifts')).toContainText('100 點');
  await expect(page.getByTestId('invite-gifts')).toContainText('50 點');
  const link = await decodeQrFromElement(page.getByTestId('invite-qr'));
  expect(link).toMatch(/\/join\?issuer=[^&]+&code=BOOKS&ref=[0-9A-Z]+$/);
  // No share sheet in headless Chromium: the link is copied instead.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('invite-copy').click();
  await expect(page.getByTestId('invite-outcome')).toHaveText('已複製連結。');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await page.screenshot({ path: 'output/screenshots/invite.png', fullPage: true });

  // B, in a browser of its own, opens A's link: a new member, 50 welcome + 50 from the invitation.
  const friend = await browser.newContext();
  try {
    const b = await friend.newPage();
    await b.goto(link);
    await expect(b).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
    await expect(b.getByTestId('points-balance')).toHaveText('100 點', { timeout: 15_000 });

    // A's next sync brings the 100 points and the tally.
    await page.goto(cardA);
    await nudgeSync(page);
    await expect(page.getByTestId('points-balance')).toHaveText('150 點', { timeout: 15_000 });

    // B opens the link again: already a member, no second gift, and told so.
    await b.goto(link);
    await expect(b.getByTestId('join-error')).toContainText('好友推薦禮只送給新會員');
    await b.goto('/');
    await expect(b.getByTestId('wallet-list').getByRole('link')).toHaveCount(1);
  } finally {
    await friend.close();
  }

  // A opens its own link: refused, nothing changes.
  await page.goto(link);
  await expect(page.getByTestId('join-error')).toContainText('這是你自己的邀請連結');
  await page.goto(`${cardA}/invite`);
  await expect(page.getByTestId('invite-tally')).toContainText('已加入的朋友：1 位');
  await expect(page.getByTestId('invite-earned')).toContainText('100 點');
  await page.goto(cardA);
  await nudgeSync(page);
  await expect(page.getByTestId('points-balance')).toHaveText('150 點');
});
