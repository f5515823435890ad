// The inbox and leaving (issue 14). The demo shops send a welcome on joining, and the ramen shop
// says its welcome points expire within the month; a shop's staff write to every member: the
// wallet header counts the unread ones;
// opening the inbox (offline too) marks them read at once and queues `message.read`, which reaches
// the issuer when online, so the customer's other devices see them read. Leaving a shop, after a
// confirmation, hides the card at once and deletes it when the issuer has the leave; the old
// token and member code stop working.
import { test, expect, decodeQrFromElement, cashierScan } from '../fixtures';
import { demo, joinLink, storedMemberships } from '../wallet-page';
import { nudgeSync } from '../loyalty-helpers';
import { memberships, outbox, waitForFirstSync } from '../fault-helpers';
import { serverSnapshot } from '../sync-helpers';

const memberQr = (page: import('@playwright/test').Page) => page.getByRole('img', { name: '會員條碼，請店員掃描' });

async function join(page: import('@playwright/test').Page, baseURL: string, shop: { code: string; zh: string }) {
  await page.goto(joinLink(baseURL, shop.code));
  await expect(page.getByRole('heading', { name: shop.zh })).toBeVisible();
  const joined = (await memberships(page)).find((m: any) => m.join_code === shop.code)!;
  await waitForFirstSync(page, joined.id);
  return joined;
}

/** The issuer's copy of the membership's messages, as the member's other device would pull them. */
async function issuerMessages(baseURL: string, token: string): Promise<any[]> {
  return (await serverSnapshot(baseURL, token)).filter((c) => c.kind === 'message').map((c) => c.data);
}

test('messages arrive with unread badges; read offline, the read reaches the issuer once online', async ({ page, context, baseURL }) => {
  test.setTimeout(90_000);
  const ramen = await join(page, baseURL!, demo.ramen);
  const cafe = await join(page, baseURL!, demo.cafe);

  await page.goto('/');
  // The café's welcome, the ramen shop's welcome and its points-expiring notice.
  await expect(page.getByTestId('inbox-unread')).toHaveText('3');
  await expect(page.getByTestId('inbox-link')).toHaveAttribute('aria-label', '訊息，3 則未讀');

  await context.setOffline(true);
  await page.getByTestId('inbox-link').click();
  const items = page.getByTestId('inbox-item');
  await expect(items).toHaveCount(3);
  await expect(page.getByTestId('inbox-list')).toContainText('歡迎來到晨光咖啡');
  await expect(page.getByTestId('inbox-list')).toContainText('歡迎加入小巷拉麵');
  const expiring = items.filter({ hasText: '點數即將到期' });
  await expect(expiring).toContainText('您有 50 點將於');
  // Marked new for this visit, though already read.
  await expect(page.getByTestId('unread')).toHaveCount(3);
  await page.screenshot({ path: 'output/screenshots/inbox.png', fullPage: true });
  await expect
    .poll(async () => (await outbox(page)).filter((m) => m.name === 'message.read').length)
    .toBe(3);

  // Read: the badge is gone at once, offline.
  await page.goto('/');
  await expect(page.getByRole('heading', { name: '我的會員卡' })).toBeVisible();
  await expect(page.getByTestId('inbox-link')).toHaveAttribute('aria-label', '訊息');
  await expect(page.getByTestId('inbox-unread')).toHaveCount(0);

  // Online: the reads reach the issuer, once each.
  await context.setOffline(false);
  await nudgeSync(page);
  await expect.poll(async () => (await outbox(page)).length, { timeout: 30_000 }).toBe(0);
  for (const member of [ramen, cafe]) {
    const told = await issuerMessages(baseURL!, member.token);
    expect(told.length).toBeGreaterThan(0);
    expect(told.every((m) => typeof m.read_at === 'number'), JSON.stringify(told)).toBe(true);
  }

  // One card's inbox, from the card.
  await page.goto(`/m/${cafe.id}`);
  await expect(page.getByTestId('card-messages')).toContainText('歡迎來到晨光咖啡');
  await page.getByTestId('card-inbox').click();
  await expect(page.getByRole('heading', { name: '晨光咖啡的訊息' })).toBeVisible();
  await expect(page.getByTestId('inbox-item')).toHaveCount(1);
  await expect(page.getByTestId('unread')).toHaveCount(0);

  // The café's staff write to every member: it comes with the next sync, unread, line breaks kept.
  const news = await fetch(new URL('/v1/cashier/messages', baseURL), {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.cafe.cashierKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      request_id: 'news-autumn-menu',
      title: { 'zh-TW': '秋季新菜單上桌', en: 'Our autumn menu is here' },
      body: { 'zh-TW': '南瓜濃湯與栗子蛋糕，\n本週起供應。', en: 'Pumpkin soup and chestnut cake,\nfrom this week.' },
    }),
  });
  expect(news.status).toBe(200);
  await page.goto('/');
  await nudgeSync(page);
  await expect(page.getByTestId('inbox-unread')).toHaveText('1', { timeout: 15_000 });
  await page.getByTestId('inbox-link').click();
  const fresh = page.getByTestId('inbox-item').first();
  await expect(fresh).toContainText('秋季新菜單上桌');
  await expect(fresh).toContainText('南瓜濃湯與栗子蛋糕，');
  await expect(fresh.getByTestId('unread')).toHaveCount(1);
  await page.screenshot({ path: 'output/screenshots/inbox-news.png', fullPage: true });

  // In English (the language button is on the wallet's first page).
  await page.goto('/');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('link', { name: 'Inbox' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
  await expect(page.getByTestId('inbox-list')).toContainText('of your points expire on');
  await page.screenshot({ path: 'output/screenshots/inbox-en.png', fullPage: true });
});

test('leaving a shop asks first, hides the card at once, and ends the membership at the issuer', async ({ page, context, baseURL }) => {
  test.setTimeout(90_000);
  const cafe = await join(page, baseURL!, demo.cafe);
  const payload = await decodeQrFromElement(memberQr(page));
  expect((await cashierScan(baseURL!, demo.cafe.cashierKey, payload)).status).toBe(200);

  // Offline: the leave waits in the outbox, the card is hidden already, after a reload too.
  await context.setOffline(true);
  await page.getByTestId('leave-open').click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('確定要退出晨光咖啡的會員嗎？');
  await page.screenshot({ path: 'output/screenshots/leave-confirm.png', fullPage: true });
  // "Keep my card" changes nothing.
  await confirm.getByRole('button', { name: '保留這張卡' }).click();
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  expect(await outbox(page, cafe.id)).toEqual([]);

  await page.getByTestId('leave-open').click();
  await page.getByTestId('leave-confirm').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('wallet-empty')).toBeVisible();
  expect((await outbox(page, cafe.id)).map((m) => m.name)).toContain('membership.leave');
  await page.reload();
  await expect(page.getByTestId('wallet-empty')).toBeVisible();
  expect(await storedMemberships(page)).toBe(1);

  // Online: the issuer has it; everything of the card is gone from the phone.
  await context.setOffline(false);
  await nudgeSync(page);
  await expect.poll(() => storedMemberships(page), { timeout: 30_000 }).toBe(0);
  expect(await outbox(page)).toEqual([]);
  const sync = await fetch(new URL('/v1/sync', baseURL!), {
    method: 'POST',
    headers: { authorization: `Bearer ${cafe.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: 'e2e-after-leaving', cursor: null, mutations: [] }),
  });
  expect(sync.status).toBe(401);
  // The code it showed (its step used already) is now of no member at all.
  expect((await cashierScan(baseURL!, demo.cafe.cashierKey, payload)).status).toBe(404);
});
