// Surveys in the wallet (issue 12): a purchase at the café invites the member; the form (the
// module loaded later, later/) is answered offline, the draft survives a reload, the answers wait
// in the outbox and go when the wallet is online; a low rating brings the apology message and
// coupon, the thanks coupon arrives once. Bad answers get inline messages and nothing is sent.
import { test, expect, decodeQrFromElement } from '../fixtures';
import { demo, joinLink } from '../wallet-page';
import { cashierPurchase, nudgeSync } from '../loyalty-helpers';
import { membershipOf, outbox } from '../fault-helpers';

const memberQr = (page: import('@playwright/test').Page) => page.getByRole('img', { name: '會員條碼，請店員掃描' });

test('a purchase invites to the survey; answered offline, it is sent once online, and a low rating is heard', async ({ page, context, baseURL }) => {
  test.setTimeout(90_000);
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  const member = await membershipOf(page, baseURL!);
  const payload = await decodeQrFromElement(memberQr(page));
  expect((await cashierPurchase(baseURL!, demo.cafe.cashierKey, payload, 180)).status).toBe(200);
  await nudgeSync(page);
  const invite = page.getByTestId('survey-invite');
  await expect(invite).toContainText('店家想聽聽你的意見');
  await expect(invite).toContainText('飲品折價 NT$20');
  await invite.getByRole('link', { name: '填寫問卷' }).click();

  // The form comes from the module loaded later; nothing of it was on the first screen.
  const form = page.getByTestId('survey-page');
  await expect(form.getByTestId('question-overall')).toBeVisible();
  await expect(form.getByTestId('question-what_went_wrong')).toHaveCount(0);
  await page.screenshot({ path: 'output/screenshots/survey.png', fullPage: true });

  // Sending without the required rating: an inline message, nothing queued.
  await form.getByTestId('survey-submit').click();
  await expect(form.getByTestId('question-overall').getByRole('alert')).toHaveText('這題需要回答。');
  expect(await outbox(page, member.id)).toEqual([]);

  await context.setOffline(true);
  await form.getByRole('button', { name: '1 顆星' }).click();
  // A low rating asks what went wrong; markup typed there is text.
  const wrong = form.getByTestId('question-what_went_wrong').getByRole('textbox');
  await expect(wrong).toBeVisible();
  await wrong.fill('<b>咖啡是冷的</b>');
  await expect(form.getByTestId('survey-progress')).toHaveText('已回答 2 / 5 題');
  // The draft is kept as it is typed: a reload brings it back.
  await expect.poll(async () => {
    const meta = await page.evaluate(() => new Promise<any[]>((resolve) => {
      const open = indexedDB.open('member-wallet');
      open.onsuccess = () => {
        const all = open.result.transaction('meta').objectStore('meta').getAll();
        all.onsuccess = () => { open.result.close(); resolve(all.result); };
      };
    }));
    return meta.find((r) => String(r.key).startsWith('survey-draft:'))?.value?.what_went_wrong ?? null;
  }).toBe('<b>咖啡是冷的</b>');
  await page.reload();
  await expect(form.getByTestId('question-what_went_wrong').getByRole('textbox')).toHaveValue('<b>咖啡是冷的</b>');
  await form.getByRole('button', { name: '3', exact: true }).click();
  await page.screenshot({ path: 'output/screenshots/survey-low-rating.png', fullPage: true });
  await form.getByTestId('survey-submit').click();
  await expect(page.getByTestId('survey-queued')).toHaveText('已收到你的回覆，連上網路後就會送出。');
  const queued = await outbox(page, member.id);
  expect(queued.map((q) => q.name)).toEqual(['survey.answer']);
  expect(queued[0].args.answers).toEqual({ overall: 1, what_went_wrong: '<b>咖啡是冷的</b>', recommend: 3 });

  // Online: sent once; the card shows the apology and the thanks, the coupons arrive.
  await context.setOffline(false);
  await page.goto(`/m/${member.id}`);
  const messages = page.getByTestId('card-messages');
  await expect(messages).toContainText('店長會與你聯絡', { timeout: 30_000 });
  await expect(messages).toContainText('謝謝你的回饋');
  await expect(page.getByTestId('survey-invite')).toHaveCount(0);
  expect(await outbox(page, member.id)).toEqual([]);
  // Nothing typed is shown as markup.
  expect(await page.locator('.card-messages b').count()).toBe(0);
  await page.screenshot({ path: 'output/screenshots/card-messages.png', fullPage: true });
  await page.goto(`/m/${member.id}/coupons`);
  await expect(page.getByTestId('coupon-list')).toContainText('飲品折價 NT$20');
  await expect(page.getByTestId('coupon-list')).toContainText('招待飲品一杯');
  await expect(page.getByTestId('coupon-list').locator('li')).toHaveCount(2);
});
