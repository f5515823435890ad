// Moving to a new phone (issue 14): the whole wallet exported as a file locked with a passphrase
// in one browser, imported into a fresh one (another context: its own IndexedDB, as a second
// phone), with the cards, their points, the carrier and an action still queued at the move,
// applied once. Every bad file is refused in words and changes nothing.
import type { Browser, Page, TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, decodeQrFromElement, cashierScan, distDir } from '../fixtures';
import { phone } from '../playwright.config';
import { demo, joinLink, MEMBER_CODE, storedMemberships } from '../wallet-page';
import { cashierPurchase, nudgeSync } from '../loyalty-helpers';
import { serverSnapshot, storedToken } from '../sync-helpers';

test.use({ serverPerTest: true });

const PASSPHRASE = 'tea and toast 42';
const memberQr = (page: Page) => page.getByRole('img', { name: '會員條碼，請店員掃描' });

/** Exports the wallet from Settings (already open) and gives the saved file's path. */
async function exportWallet(page: Page, testInfo: TestInfo): Promise<string> {
  await page.getByTestId('export-passphrase').fill(PASSPHRASE);
  await page.getByTestId('export-passphrase-again').fill(PASSPHRASE);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-button').click()]);
  expect(download.suggestedFilename()).toMatch(/^member-wallet-\d{4}-\d{2}-\d{2}\.mwallet$/);
  await expect(page.getByTestId('export-status')).toContainText(`已存成 ${download.suggestedFilename()}`);
  const file = testInfo.outputPath('wallet.mwallet');
  await download.saveAs(file);
  return file;
}

/** A second phone: a fresh context with the wallet's Settings open. */
async function newPhone(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ ...phone, baseURL });
  const page = await context.newPage();
  await page.goto('/settings');
  await expect(page.getByTestId('import-file')).toBeAttached();
  return page;
}

async function importFile(
  page: Page,
  file: string | { name: string; mimeType: string; buffer: Buffer },
  passphrase = PASSPHRASE,
): Promise<void> {
  await page.getByTestId('import-file').setInputFiles(file);
  await page.getByTestId('import-passphrase').fill(passphrase);
  await page.getByTestId('import-button').click();
}

const isSync = (url: URL) => url.pathname === '/v1/sync';

test('a wallet exported on one phone and imported on another has the same cards, and an action queued at the move is applied once', async ({
  page,
  browser,
  baseURL,
}, testInfo) => {
  // Two phones, three passphrase derivations (600,000 PBKDF2 rounds each) and two syncs: about
  // 17 s on a quiet machine, past 30 s on a busy one.
  test.setTimeout(90_000);
  // The old phone: the yakiniku place with 120 points, the café, and a carrier.
  await page.goto(joinLink(baseURL!, demo.yakiniku.code));
  await expect(page.getByTestId('points-balance')).toHaveText('100 點');
  const yakinikuCard = page.url();
  const payload = await decodeQrFromElement(memberQr(page));
  expect((await cashierPurchase(baseURL!, demo.yakiniku.cashierKey, payload, 2000)).status).toBe(200);
  await nudgeSync(page);
  await expect(page.getByTestId('points-balance')).toHaveText('120 點');
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  const cafe = await storedToken(page, 'morning-cafe');
  await page.goto('/settings');
  await page.getByTestId('carrier-input').fill('/ABC1234');
  await page.getByTestId('carrier-save').click();
  await expect(page.getByTestId('carrier-outcome')).toHaveText('已儲存，結帳模式會顯示。');

  // An exchange the issuer has not heard of yet: its sync is held back.
  await page.route(isSync, (route) => route.abort('internetdisconnected'));
  await page.goto(yakinikuCard);
  const dessert = page.getByTestId('reward').filter({ hasText: '120 點' });
  await dessert.getByRole('button', { name: '兌換' }).click();
  await expect(page.getByTestId('points-pending')).toHaveText('兌換中 −120 點');

  // The passphrase is asked twice, and a short one is refused.
  await page.goto('/settings');
  await page.getByTestId('export-passphrase').fill('short');
  await page.getByTestId('export-passphrase-again').fill('short');
  await page.getByTestId('export-button').click();
  await expect(page.getByTestId('export-status')).toHaveText('密碼至少要 8 個字元。');
  await page.getByTestId('export-passphrase').fill(PASSPHRASE);
  await page.getByTestId('export-passphrase-again').fill(`${PASSPHRASE}!`);
  await page.getByTestId('export-button').click();
  await expect(page.getByTestId('export-status')).toHaveText('兩次輸入的密碼不一樣。');
  const file = await exportWallet(page, testInfo);
  // The file names its scheme and says nothing of the cards without the passphrase.
  const text = readFileSync(file, 'utf8');
  const envelope = JSON.parse(text);
  expect(envelope.format).toBe('member-wallet-export');
  expect(envelope.kdf).toMatchObject({ name: 'PBKDF2', hash: 'SHA-256', iterations: 600000 });
  expect(envelope.cipher.name).toBe('AES-GCM');
  for (const secret of [cafe.id, cafe.token, '/ABC1234', demo.cafe.zh]) expect(text).not.toContain(secret);
  await page.screenshot({ path: 'output/screenshots/settings-transfer.png', fullPage: true });

  // The new phone: the same two cards.
  const newPage = await newPhone(browser, baseURL!);
  await importFile(newPage, file);
  await expect(newPage.getByTestId('import-status')).toHaveText('已把 2 張會員卡加入這個錢包。');
  await expect(newPage.getByTestId('carrier-input')).toHaveValue('/ABC1234');
  await newPage.screenshot({ path: 'output/screenshots/settings-imported.png', fullPage: true });
  await newPage.goto('/');
  await expect(newPage.getByTestId('membership-tile')).toHaveCount(2);

  // The queued exchange goes out from the new phone: the coupon arrives, the points drop once.
  await newPage.goto(yakinikuCard);
  await expect(newPage.getByTestId('points-balance')).toHaveText('0 點', { timeout: 15_000 });
  await expect(newPage.getByTestId('coupons-link')).toContainText('1 張可使用');
  const yakiniku = await storedToken(newPage, 'alley-yakiniku');
  const exchanges = async () =>
    (await serverSnapshot(baseURL!, yakiniku.token)).filter(
      (c) => c.kind === 'ledger_entry' && c.data.reason === 'reward_exchange',
    ).length;
  expect(await exchanges()).toBe(1);

  // The old phone comes back online with the same action queued: still one exchange.
  await page.unroute(isSync);
  await page.goto(yakinikuCard);
  await expect(page.getByTestId('points-pending')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('points-balance')).toHaveText('0 點');
  expect(await exchanges()).toBe(1);

  // The café's member code from the new phone is the same membership, and the cashier takes it.
  await newPage.goto(`/m/${cafe.id}`);
  const code = await decodeQrFromElement(memberQr(newPage));
  expect(code.match(MEMBER_CODE)?.[1]).toBe(cafe.id);
  const accepted = await cashierScan(baseURL!, demo.cafe.cashierKey, code);
  expect(accepted.status).toBe(200);
  expect(accepted.body.membership_id).toBe(cafe.id);

  // The same file again adds nothing.
  await newPage.goto('/settings');
  await importFile(newPage, file);
  await expect(newPage.getByTestId('import-status')).toHaveText('這個檔案裡的會員卡都已經在這個錢包了，沒有任何變更。');
  await newPage.context().close();
});

test('a wrongly unlocked, changed, cut short, foreign or newer file is refused in words and nothing is stored', async ({
  page,
  browser,
  baseURL,
}, testInfo) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  await page.goto('/settings');
  const file = await exportWallet(page, testInfo);
  const text = readFileSync(file, 'utf8');
  const envelope = JSON.parse(text);
  const asFile = (content: string | Buffer, name = 'wallet.mwallet') => ({
    name,
    mimeType: 'application/json',
    buffer: Buffer.isBuffer(content) ? content : Buffer.from(content),
  });
  const flipped = envelope.ciphertext.startsWith('A') ? `B${envelope.ciphertext.slice(1)}` : `A${envelope.ciphertext.slice(1)}`;

  const newPage = await newPhone(browser, baseURL!);
  const status = newPage.getByTestId('import-status');
  await newPage.getByTestId('import-button').click();
  await expect(status).toHaveText('請先選擇匯出的檔案，或貼上匯出內容。');
  const refusals: [string, string | ReturnType<typeof asFile>, string, string?][] = [
    ['a wrong passphrase', file, '這個密碼打不開檔案，或檔案已被更改。請確認密碼後再試一次。沒有匯入任何東西。', 'not the passphrase'],
    ['a changed ciphertext', asFile(JSON.stringify({ ...envelope, ciphertext: flipped })), '這個密碼打不開檔案，或檔案已被更改。請確認密碼後再試一次。沒有匯入任何東西。'],
    ['a file cut short', asFile(text.slice(0, Math.floor(text.length / 2))), '這個檔案已損壞或不完整。請在另一支手機重新匯出。沒有匯入任何東西。'],
    ['a changed salt', asFile(JSON.stringify({ ...envelope, kdf: { ...envelope.kdf, salt: 'AAAA' } })), '這個檔案已損壞或不完整。請在另一支手機重新匯出。沒有匯入任何東西。'],
    ['a photo', asFile(readFileSync(path.join(distDir, 'icons', 'icon-192.png')), 'photo.png'), '這不是錢包的匯出檔案，沒有匯入任何東西。'],
    ['a newer wallet', asFile(JSON.stringify({ ...envelope, version: 2 })), '這個檔案來自較新版本的錢包。請先更新這個錢包（連上網路重新載入），再試一次。'],
  ];
  for (const [what, bad, words, passphrase] of refusals) {
    await importFile(newPage, bad, passphrase);
    await expect(status, what).toHaveText(words);
    expect(await storedMemberships(newPage), `${what}: nothing stored`).toBe(0);
  }
  await newPage.screenshot({ path: 'output/screenshots/settings-import-refused.png', fullPage: true });

  // Pasted instead of a file (LINE's browser cannot save one), the export imports.
  await newPage.reload();
  await newPage.getByTestId('import-paste').fill(text);
  await newPage.getByTestId('import-passphrase').fill(PASSPHRASE);
  await newPage.getByTestId('import-button').click();
  await expect(status).toHaveText('已把 1 張會員卡加入這個錢包。');
  expect(await storedMemberships(newPage)).toBe(1);
  await newPage.context().close();
});

test("clearing this phone's wallet, asked twice, removes every card and setting, and the wallet starts empty", async ({
  page,
  baseURL,
}) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  await page.goto('/settings');
  await page.getByTestId('carrier-input').fill('/ABC1234');
  await page.getByTestId('carrier-save').click();
  await expect(page.getByTestId('carrier-outcome')).toHaveText('已儲存，結帳模式會顯示。');
  const before = await page.evaluate(() => Object.keys(localStorage));
  expect(before).toEqual(expect.arrayContaining(['mw.last-card', 'mw.home-layout']));
  const clear = page.getByTestId('clear-all');
  await clear.click();
  await expect(clear).toHaveText('再點一次，清除這支手機上的一切');
  expect(await storedMemberships(page), 'nothing is cleared on the first tap').toBe(1);
  await clear.click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('wallet-empty')).toBeVisible();
  expect(await storedMemberships(page)).toBe(0);
  // The card opened last and the first page's layout (both set by opening the card) are gone.
  const left = await page.evaluate(() => Object.keys(localStorage));
  for (const key of ['mw.last-card', 'mw.home-layout', 'mw.clear-wallet']) expect(left).not.toContain(key);
  await page.goto('/settings');
  await expect(page.getByTestId('carrier-input')).toHaveValue('');
});
