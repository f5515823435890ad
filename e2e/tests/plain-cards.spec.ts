// Plain cards (issue 14): a shop's own card with no issuer, kept on this phone only: one of each
// symbology, drawn by barcoders and read back by zbar (a decoder of its own); mistakes named as
// they are typed; removing one; and a Catima export (its ZIP, written here by Python's zipfile
// as any archiver would) imported in one step.
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { test, expect } from '../fixtures';
import { zbarRead } from '../barcodes';
import { cameraOff, imageVideo, launchWithCamera, watchCameraStreams } from '../scanning';

async function addCard(page: Page, name: string, type: string, number: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('plain-add').click();
  await expect(page).toHaveURL(/\/p\/new$/);
  await page.getByTestId('plain-name').fill(name);
  await page.getByTestId(`plain-type-${type}`).check();
  await page.getByTestId('plain-number-input').fill(number);
  await page.getByTestId('plain-save').click();
  await expect(page).toHaveURL(/\/p\/[0-9a-f]{32}$/);
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

test('a plain card of each symbology is drawn so a scanner reads its number, survives a reload, and can be removed', async ({
  page,
}) => {
  // Mistakes are named once the customer tries to save, and nothing is kept.
  await page.goto('/p/new');
  await page.getByTestId('plain-save').click();
  const problem = page.getByTestId('plain-problem');
  await expect(problem).toHaveText('請輸入店家名稱。');
  await page.getByTestId('plain-name').fill('全聯福利中心');
  await page.getByTestId('plain-type-ean13').check();
  await page.getByTestId('plain-number-input').fill('4006381333932');
  await expect(problem).toHaveText('EAN-13 條碼是 12 或 13 位數字，第 13 位是檢查碼，請對照卡片再確認。');
  await page.getByTestId('plain-type-code39').check();
  await page.getByTestId('plain-number-input').fill('abc*1');
  await expect(problem).toHaveText('Code 39 只能有 0–9、A–Z、空格和 - . $ / + %。');
  await page.screenshot({ path: 'output/screenshots/plain-card-form.png', fullPage: true });

  const cards: [string, string, string, string][] = [
    ['晨間健身房', 'qr', 'GYM-MEMBER-0042', 'QR-Code:GYM-MEMBER-0042'],
    ['青田書店', 'code128', 'Bk-2026/0042', 'CODE-128:Bk-2026/0042'],
    ['全聯福利中心', 'ean13', '400638133393', 'EAN-13:4006381333931'],
    ['社區圖書館', 'code39', 'lib-9988', 'CODE-39:LIB-9988'],
  ];
  for (const [name, type, number, read] of cards) {
    await addCard(page, name, type, number);
    await expect.poll(() => zbarRead(page.getByTestId('plain-code')), { message: `${type} reads back` }).toEqual([read]);
    await expect(page.getByTestId('plain-number')).toHaveText(read.slice(read.indexOf(':') + 1));
  }
  await page.screenshot({ path: 'output/screenshots/plain-card.png' });

  // A card without a barcode shows its number.
  await addCard(page, '巷口洗衣店', 'text', '0912-345-678');
  await expect(page.getByTestId('plain-text-only')).toBeVisible();
  await expect(page.getByTestId('plain-code')).toHaveCount(0);

  await page.goto('/');
  await expect(page.getByTestId('plain-card-tile')).toHaveCount(5);
  await page.reload();
  await expect(page.getByTestId('plain-card-tile')).toHaveCount(5);
  await expect(page.getByTestId('plain-card-tile').first()).toContainText('巷口洗衣店');
  await page.screenshot({ path: 'output/screenshots/home-plain-cards.png', fullPage: true });

  // Removing asks twice.
  await page.getByTestId('plain-card-tile').filter({ hasText: '青田書店' }).click();
  await page.getByTestId('plain-remove').click();
  await expect(page.getByTestId('plain-remove')).toHaveText('再點一次，從這支手機移除');
  await page.getByTestId('plain-remove').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('plain-card-tile')).toHaveCount(4);
  await expect(page.getByTestId('plain-card-tile').filter({ hasText: '青田書店' })).toHaveCount(0);
});

/** A ZIP like Catima's: `catima.csv` deflated, beside a card picture. */
function catimaZip(csv: string): Buffer {
  const script = [
    'import io, sys, zipfile',
    'out = io.BytesIO()',
    'with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:',
    '    z.writestr("catima.csv", sys.stdin.read())',
    '    z.writestr("card_1_front.png", b"\\x89PNG\\r\\n")',
    'sys.stdout.buffer.write(out.getvalue())',
  ].join('\n');
  return execFileSync('python3', ['-c', script], { input: csv });
}

const CATIMA_CSV = [
  '2',
  '',
  '_id',
  'Groceries',
  '',
  '_id,store,note,expiry,balance,balancetype,cardid,barcodeid,barcodetype,headercolor,starstatus,lastused',
  '1,家樂福,,,0,,2900012345671,,EAN_13,-16744448,0,1700000000',
  '2,"Books, ""2F""",,,0,,M-0042,,CODE_128,-3355444,1,1700000100',
  '3,Library,,,0,,12345,,PDF_417,,0,',
  '',
  'cardId,groupId',
  '1,Groceries',
  '',
].join('\r\n');

test('a Catima export imports in one step; the same file again adds nothing; a file that is not one is named', async ({
  page,
}) => {
  await page.goto('/p/new');
  const file = page.getByTestId('catima-file');
  const status = page.getByTestId('catima-status');
  await file.setInputFiles({ name: 'catima.zip', mimeType: 'application/zip', buffer: catimaZip(CATIMA_CSV) });
  await expect(status).toHaveText('已從 Catima 匯入 3 張卡片。');

  await file.setInputFiles({ name: 'catima.zip', mimeType: 'application/zip', buffer: catimaZip(CATIMA_CSV) });
  await expect(status).toHaveText('已從 Catima 匯入 0 張卡片，另有 3 張本來就在這裡。');

  await file.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('shopping list\r\nmilk') });
  await expect(status).toHaveText('這不是 Catima 的匯出檔（catima.csv）。');
  await file.setInputFiles({
    name: 'old.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('1\r\n\r\n_id,store,cardid\r\n'),
  });
  await expect(status).toHaveText('這個 Catima 匯出檔是第 1 版格式，本錢包讀取第 2 版。請更新 Catima 後再匯出。');
  const zip = catimaZip(CATIMA_CSV);
  await file.setInputFiles({ name: 'cut.zip', mimeType: 'application/zip', buffer: zip.subarray(0, zip.length - 40) });
  await expect(status).toHaveText('這個檔案已損壞或不完整，請在 Catima 重新匯出。');

  // The cards: EAN-13 drawn and read back, Code 128 too, and a PDF417 shown as its number.
  await page.goto('/');
  await expect(page.getByTestId('plain-card-tile')).toHaveCount(3);
  await page.getByTestId('plain-card-tile').filter({ hasText: '家樂福' }).click();
  await expect.poll(() => zbarRead(page.getByTestId('plain-code'))).toEqual(['EAN-13:2900012345671']);
  await page.goto('/');
  await page.getByTestId('plain-card-tile').filter({ hasText: 'Books, "2F"' }).click();
  await expect.poll(() => zbarRead(page.getByTestId('plain-code'))).toEqual(['CODE-128:M-0042']);
  await page.goto('/');
  await page.getByTestId('plain-card-tile').filter({ hasText: 'Library' }).click();
  await expect(page.getByTestId('plain-text-only')).toBeVisible();
  await expect(page.getByTestId('plain-number')).toHaveText('12345');
});

test("a card's barcode read from a photo fills in its number and type; a photo without one is named", async ({ page }) => {
  // Photos of real bars: two cards drawn by the wallet, then photographed off the screen.
  const photos: Record<string, Buffer> = {};
  for (const [name, type, number] of [
    ['青田書店', 'code128', 'Bk-2026/0042'],
    ['全聯福利中心', 'ean13', '4006381333931'],
  ]) {
    await addCard(page, name, type, number);
    photos[type] = await page.getByTestId('plain-code').screenshot();
  }

  await page.goto('/p/new');
  const status = page.getByTestId('plain-scan-status');
  const photo = (buffer: Buffer) =>
    page.getByTestId('plain-scan-photo').setInputFiles({ name: 'card.png', mimeType: 'image/png', buffer });
  await photo(photos.code128);
  await expect(status).toHaveText('已從照片讀到 Code 128，請對照卡片確認卡號。', { timeout: 20_000 });
  await expect(page.getByTestId('plain-number-input')).toHaveValue('Bk-2026/0042');
  await expect(page.getByTestId('plain-type-code128')).toBeChecked();
  await page.screenshot({ path: 'output/screenshots/plain-card-photo-read.png', fullPage: true });

  await photo(photos.ean13);
  await expect(status).toHaveText('已從照片讀到 EAN-13，請對照卡片確認卡號。', { timeout: 20_000 });
  await expect(page.getByTestId('plain-number-input')).toHaveValue('4006381333931');
  await expect(page.getByTestId('plain-type-ean13')).toBeChecked();

  // A photo with no barcode in it: said so, and what was filled in stays.
  await photo(await page.getByTestId('plain-name').screenshot());
  await expect(status).toHaveText('這張照片裡讀不到條碼。請靠近一點、讓條碼端正清楚再拍一次，或直接輸入卡號。', { timeout: 20_000 });
  await expect(page.getByTestId('plain-number-input')).toHaveValue('4006381333931');

  // Saved as read, it draws the same number.
  await page.getByTestId('plain-name').fill('全聯福利中心');
  await page.getByTestId('plain-save').click();
  await expect.poll(() => zbarRead(page.getByTestId('plain-code'))).toEqual(['EAN-13:4006381333931']);
});

/** Chromium filming `png`, with every camera stream the page gets kept, to see it go off. */
async function filming(png: string, dir: string, name: string, baseURL: string) {
  const context = await launchWithCamera(`${dir}/${name}-profile`, imageVideo(png, dir, name), baseURL);
  await watchCameraStreams(context);
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page, cameraOff: () => cameraOff(page) };
}

// The same library reading the same fake camera as the scanner's camera test (scan.spec.ts),
// which misses now and then for reasons not yet understood: two more tries here too.
test.describe('the camera', () => {
  test.describe.configure({ retries: 2 });

  test("the camera reads a card's barcode into the form and turns itself off, also when the form is left", async ({
    page,
    baseURL,
  }, testInfo) => {
    // Chromium's fake camera films a Code 128 card drawn by the wallet.
    const dir = testInfo.outputPath('camera');
    mkdirSync(dir, { recursive: true });
    await addCard(page, '青田書店', 'code128', 'Bk-2026/0042');
    writeFileSync(`${dir}/card.png`, await page.getByTestId('plain-code').screenshot());
    writeFileSync(`${dir}/no-code.png`, await page.getByRole('heading', { name: '青田書店' }).screenshot());

    const reading = await filming(`${dir}/card.png`, dir, 'card', baseURL!);
    try {
      const phone = reading.page;
      await phone.goto('/p/new');
      const camera = phone.getByTestId('plain-scan-camera');
      await camera.click();
      await expect(phone.getByTestId('plain-camera')).toBeVisible();
      const status = phone.getByTestId('plain-scan-status');
      await expect(status).toHaveText('已用相機讀到 Code 128，請對照卡片確認卡號。', { timeout: 20_000 });
      await expect(phone.getByTestId('plain-number-input')).toHaveValue('Bk-2026/0042');
      await expect(phone.getByTestId('plain-type-code128')).toBeChecked();
      await expect(phone.getByTestId('plain-camera')).toBeHidden();
      await expect(camera).toHaveText('用相機掃描條碼');
      await expect.poll(reading.cameraOff, { message: 'the camera is off once the barcode is read' }).toBe(true);
      await phone.screenshot({ path: 'output/screenshots/plain-card-camera-read.png', fullPage: true });
    } finally {
      await reading.context.close();
    }

    // Filming no barcode: the camera looks until the customer leaves the form, then goes off.
    const looking = await filming(`${dir}/no-code.png`, dir, 'no-code', baseURL!);
    try {
      const phone = looking.page;
      await phone.goto('/');
      await phone.getByTestId('plain-add').click();
      await phone.getByTestId('plain-scan-camera').click();
      await expect(phone.getByTestId('plain-scan-camera')).toHaveText('關閉相機');
      await expect(phone.getByTestId('plain-scan-status')).toHaveText('請把卡片的條碼放進畫面中…');
      await expect(phone.locator('#mw-plain-camera video')).toBeVisible({ timeout: 15_000 });
      await phone.screenshot({ path: 'output/screenshots/plain-card-camera-looking.png', fullPage: true });
      expect(await looking.cameraOff()).toBe(false);
      await phone.getByRole('link', { name: '返回' }).click();
      await expect(phone).toHaveURL(/\/$/);
      await expect.poll(looking.cameraOff, { message: 'the camera is off once the form is gone', timeout: 10_000 }).toBe(true);
    } finally {
      await looking.context.close();
    }
  });
});
