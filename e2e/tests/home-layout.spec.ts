// The wallet's first page as a daily tool (issue 14): most recently used first, the card used
// last one tap away, a search by shop or number, pins and a dragged order that survive a reload,
// archiving off the first page and back.
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures';
import { demo, joinLink } from '../wallet-page';
import { memberships, waitForFirstSync } from '../fault-helpers';

/** Plain cards written straight into the wallet's store, as the form would keep them. */
async function seedPlainCards(page: Page, names: string[]): Promise<void> {
  await page.evaluate(
    (names) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('member-wallet');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const cards = names.map((name, i) => ({
            id: `seeded${i}`,
            name,
            color: '#2f5d50',
            symbology: 'code128',
            number: `CARD-${1000 + i}`,
            added_at: 1_700_000_000_000 + i,
          }));
          const tx = open.result.transaction('meta', 'readwrite');
          tx.objectStore('meta').put({ key: 'plain-cards', value: cards });
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    names,
  );
}

const tileNames = (page: Page) =>
  page.getByTestId('wallet-list').locator('a .tile-name').allTextContents();

test('cards come most recently used first, the last one a tap away, found by name or number, pinned, dragged and archived', async ({
  page,
  baseURL,
}) => {
  await page.goto(joinLink(baseURL!, demo.books.code));
  await expect(page.getByRole('heading', { name: demo.books.zh })).toBeVisible();
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  const cafeNumber = await page.getByTestId('member-number').textContent();
  await seedPlainCards(page, ['社區圖書館', '巷口洗衣店', '晨間健身房', '全聯福利中心']);

  // The café was opened last: it leads, and "show my code" opens it.
  await page.goto('/');
  await expect(page.getByTestId('wallet-list').locator('a')).toHaveCount(6);
  await expect.poll(async () => (await tileNames(page))[0]).toBe(demo.cafe.zh);
  await expect(page.getByTestId('show-last')).toHaveText(`出示條碼：${demo.cafe.zh}`);

  // Search: by name (either language), by the member number as printed, and nothing.
  const search = page.getByTestId('wallet-search');
  await search.fill('晨');
  await expect.poll(() => tileNames(page)).toEqual([demo.cafe.zh, '晨間健身房']);
  await search.fill('qingtian');
  await expect.poll(() => tileNames(page)).toEqual([demo.books.zh]);
  await search.fill(cafeNumber!);
  await expect.poll(() => tileNames(page)).toEqual([demo.cafe.zh]);
  await search.fill('card-1003');
  await expect.poll(() => tileNames(page)).toEqual(['全聯福利中心']);
  await search.fill('壽司');
  await expect(page.getByTestId('wallet-search-none')).toHaveText('沒有符合的卡片。');
  await search.fill('');
  await page.screenshot({ path: 'output/screenshots/home-many-cards.png', fullPage: true });

  // Arrange: pin the library, move the laundry up with its arrow, drag the bookshop to the top
  // of the unpinned ones.
  await page.getByTestId('arrange-link').click();
  await expect(page).toHaveURL(/\/arrange$/);
  const items = page.getByTestId('arrange-item');
  await expect(items).toHaveCount(6);
  await items.filter({ hasText: '社區圖書館' }).getByTestId('arrange-pin').click();
  await expect(items.first()).toContainText('社區圖書館');
  await expect(items.first()).toContainText('已置頂');
  const laundryBefore = (await items.allTextContents()).findIndex((t) => t.includes('巷口洗衣店'));
  await items.filter({ hasText: '巷口洗衣店' }).getByRole('button', { name: '把巷口洗衣店往上移' }).click();
  await expect(items.nth(laundryBefore - 1)).toContainText('巷口洗衣店');
  const handle = items.filter({ hasText: demo.books.zh }).getByTestId('arrange-handle');
  const handleBox = (await handle.boundingBox())!;
  const secondBox = (await items.nth(1).boundingBox())!;
  await page.mouse.move(handleBox.x + handleBox.width / 2, handleBox.y + handleBox.height / 2);
  await page.mouse.down();
  await page.mouse.move(handleBox.x + handleBox.width / 2, secondBox.y + 4, { steps: 8 });
  await page.mouse.up();
  await expect(items.nth(1)).toContainText(demo.books.zh);
  await page.screenshot({ path: 'output/screenshots/arrange.png', fullPage: true });

  // The first page follows, also after a reload; using a card no longer reorders arranged ones.
  const arranged = (await items.locator('.arrange-name').allTextContents()).map((t) => t.replace('已置頂', ''));
  await page.goto('/');
  await expect.poll(() => tileNames(page)).toEqual(arranged);
  await page.reload();
  await expect.poll(() => tileNames(page)).toEqual(arranged);

  // Archived, the café leaves the first page; the link says so; back, it returns.
  await page.getByTestId('arrange-link').click();
  await items.filter({ hasText: demo.cafe.zh }).getByTestId('arrange-archive').click();
  await expect(page.getByTestId('arrange-archived-item')).toHaveText(new RegExp(demo.cafe.zh));
  await page.goto('/');
  await expect(page.getByTestId('wallet-list').locator('a')).toHaveCount(5);
  await expect.poll(() => tileNames(page)).not.toContain(demo.cafe.zh);
  await expect(page.getByTestId('arrange-link')).toHaveText('整理卡片（已封存 1 張）');
  await expect(page.getByTestId('show-last')).not.toContainText(demo.cafe.zh);
  await page.getByTestId('arrange-link').click();
  await page.getByTestId('arrange-unarchive').click();
  await expect(page.getByTestId('arrange-archived-none')).toBeVisible();
  await page.goto('/');
  await expect(page.getByTestId('wallet-list').locator('a')).toHaveCount(6);
});

test("a merchant group's brands sit together under the group's name", async ({ page, baseURL }) => {
  // Joined in this order, newest first would be ramen, café, yakiniku: the yakiniku place shares
  // the ramen shop's points, so it moves up beside it.
  for (const shop of [demo.yakiniku, demo.cafe, demo.ramen]) {
    await page.goto(joinLink(baseURL!, shop.code));
    await expect(page.getByRole('heading', { name: shop.zh })).toBeVisible();
    // Each card's first sync brings its points balance, and with it the group.
    const joined = (await memberships(page)).find((m: any) => m.join_code === shop.code)!;
    await waitForFirstSync(page, joined.id);
  }
  await page.goto('/');
  await expect
    .poll(() => tileNames(page), { timeout: 15_000 })
    .toEqual([demo.ramen.zh, demo.yakiniku.zh, demo.cafe.zh]);
  await expect(page.getByTestId('group-caption')).toHaveText('小巷餐飲集團・共用點數');
  await page.screenshot({ path: 'output/screenshots/home-group.png', fullPage: true });

  // Arranging lists them as the first page does, and the group moves as one: down from its
  // last card, the café comes above both; among themselves, the two swap.
  await page.getByTestId('arrange-link').click();
  const names = () => page.getByTestId('arrange-item').locator('.arrange-name').allTextContents();
  await expect.poll(names).toEqual([demo.ramen.zh, demo.yakiniku.zh, demo.cafe.zh]);
  await expect(page.getByTestId('arrange-group')).toHaveText('小巷餐飲集團：共用點數，一起移動');
  await page.getByRole('button', { name: `把${demo.yakiniku.zh}往下移` }).click();
  await expect.poll(names).toEqual([demo.cafe.zh, demo.ramen.zh, demo.yakiniku.zh]);
  await page.getByRole('button', { name: `把${demo.yakiniku.zh}往上移` }).click();
  await expect.poll(names).toEqual([demo.cafe.zh, demo.yakiniku.zh, demo.ramen.zh]);
  await page.screenshot({ path: 'output/screenshots/arrange-group.png', fullPage: true });
  await page.goto('/');
  await expect.poll(() => tileNames(page)).toEqual([demo.cafe.zh, demo.yakiniku.zh, demo.ramen.zh]);

  // A pinned brand moves among the pinned cards, not with its group: arranging no longer says
  // the two move together, while the first page still shows them side by side.
  await page.getByTestId('arrange-link').click();
  await page.getByTestId('arrange-item').filter({ hasText: demo.yakiniku.zh }).getByTestId('arrange-pin').click();
  await expect.poll(names).toEqual([`${demo.yakiniku.zh}已置頂`, demo.ramen.zh, demo.cafe.zh]);
  await expect(page.getByTestId('arrange-group')).toHaveCount(0);
  await page.goto('/');
  await expect.poll(() => tileNames(page)).toEqual([demo.yakiniku.zh, demo.ramen.zh, demo.cafe.zh]);
  await expect(page.getByTestId('group-caption')).toHaveText('小巷餐飲集團・共用點數');
});
