// Scanning a shop's code: through the camera (Chromium's fake camera filming a QR made in the
// test), a photo when there is no camera, or typed; and the codes that must do nothing.
import { test, expect, decodeQrFromElement } from '../fixtures';
import { demo, joinLink, storedMemberships } from '../wallet-page';
import { outbox } from '../fault-helpers';
import { nudgeSync } from '../loyalty-helpers';
import {
  blankVideo,
  cameraOff,
  holdCamera,
  qrPng,
  qrVideo,
  launchWithCamera,
  releaseCamera,
  watchCameraStreams,
} from '../scanning';
import { mkdirSync } from 'node:fs';

test.use({ serverPerTest: true });

/** The claim link a shop prints (protocol.md §4.1.1) for one of the demo's claim codes. */
function claimLink(baseURL: string, claim: string): string {
  const origin = baseURL.replace(/\/$/, '');
  return `${origin}/claim?issuer=${encodeURIComponent(origin)}&code=CAFE&claim=${claim}`;
}

// html5-qrcode's zxing port, reading Chromium's fake camera, now and then finds no code in the
// frame for as long as the test waits (about one run in four, seen in full runs since
// 2026-12-02; the link's content changes with the server's port, and the screen shows the
// code crisp and the stream live). A video shifting by a few pixels per frame, so that the
// decoder gets different frames, missed as well (tried 2026-12-02). Until that is understood,
// this test gets two more tries, each with a new server, so a new code; a miss in all three
// still fails.
test.describe('the camera', () => {
  test.describe.configure({ retries: 2 });

  test('the camera reads a claim code: it joins the café and adds its 2 stamps once; the same code again is refused', async ({
    baseURL,
  }, testInfo) => {
    const dir = testInfo.outputPath('camera');
    mkdirSync(dir, { recursive: true });
    const video = await qrVideo(claimLink(baseURL!, 'CAFE2STAMP01'), dir, 'claim');
    const context = await launchWithCamera(`${dir}/profile`, video, baseURL!);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto('/');
      await page.getByTestId('scan-cta').click();
      await expect(page).toHaveURL(/\/scan$/);
      // The camera finds the code by itself: the wallet opens the claim, joins, and shows the card.
      await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/, { timeout: 20_000 });
      await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
      const card = page.getByTestId('stamp-card');
      await expect(card.locator('.stamp.filled')).toHaveCount(2, { timeout: 15_000 });
      const cardUrl = page.url();
  
      // The same printed code, scanned again: the shop refuses it, the card says why.
      await page.goto('/scan');
      await expect(page).toHaveURL(cardUrl, { timeout: 20_000 });
      await nudgeSync(page);
      await expect(page.getByTestId('rejected-item')).toContainText('這組兌換碼已經使用過了', { timeout: 15_000 });
      await expect(card.locator('.stamp.filled')).toHaveCount(2);
      expect(await storedMemberships(page)).toBe(1);
      await page.screenshot({ path: 'output/screenshots/claim-used.png', fullPage: true });
    } finally {
      await context.close();
    }
  });
});

test('without a camera the scanner says so, and a photo of the shop’s QR joins it', async ({ page, baseURL }) => {
  await page.goto('/scan');
  await expect(page.getByTestId('scan-camera-problem')).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: 'output/screenshots/scan-no-camera.png', fullPage: true });
  const link = new URL(joinLink(baseURL!, demo.books.code), baseURL).href;
  await page.getByTestId('scan-photo').setInputFiles({
    name: 'poster.png',
    mimeType: 'image/png',
    buffer: await qrPng(link),
  });
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/, { timeout: 15_000 });
  await expect(page.getByRole('heading', { name: demo.books.zh })).toBeVisible();
});

test('hostile codes are each refused, saying what they were, and nothing is stored or sent', async ({
  page,
  baseURL,
}) => {
  const origin = baseURL!.replace(/\/$/, '');
  // One card, so the wallet has a member code of its own to be shown.
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  const own = await decodeQrFromElement(page.getByRole('img', { name: '會員條碼，請店員掃描' }));
  const queuedBefore = (await outbox(page)).length;

  const typed: [string, string][] = [
    ['javascript:alert(document.cookie)', '這是「javascript:」代碼'],
    ['data:text/html,<script>alert(1)</script>', '這是「data:」代碼'],
    ['WIFI:S:cafe;T:WPA;P:secret;;', '這是「wifi:」代碼'],
    ['https://evil.example/menu', '這是前往 evil.example 的連結'],
    [`https://wallet.example@evil.example/join?code=CAFE`, '這是前往 evil.example 的連結'],
    ['http://shop.example/join?code=CAFE', '店家 shop.example 沒有使用安全連線'],
    [`https://wallet\u202E.example/join?code=CAFE`, '藏有看不見的字元'],
    [`${origin}/join?code=CAFE&ref=NOT-A-CODE!`, '好友推薦碼無效'],
    [`${origin}/claim?code=CAFE&claim=NOPE`, '這個連結裡的代碼無效'],
    [`${origin}/join?code=`, '沒有有效的加入代碼'],
    ['x'.repeat(2000), '這個代碼含有 2000 位元組'],
    [own, '這是你自己的會員條碼'],
    ['MW1:0123456789AB:123456', '這是別人的會員條碼'],
    ['MW9:0123456789AB:123456', '較新版本錢包的會員條碼'],
    ['hello, world', '這個代碼不是錢包連結'],
  ];
  await page.goto('/scan');
  const refusal = page.getByTestId('scan-refusal');
  for (const [text, says] of typed) {
    await page.getByTestId('scan-typed').fill(text);
    await page.getByRole('button', { name: '開啟', exact: true }).click();
    await expect(refusal, text.slice(0, 60)).toContainText(says);
    await expect(refusal).toContainText('沒有儲存任何資料，也沒有傳送任何內容。');
    await expect(page).toHaveURL(/\/scan$/);
  }
  await page.screenshot({ path: 'output/screenshots/scan-refused.png', fullPage: true });

  // Photos of hostile codes: a script link, and bytes that are not text.
  const photos: [Buffer, string][] = [
    [await qrPng('javascript:alert(1)'), '這是「javascript:」代碼'],
    [await qrPng(Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff, 0x10, 0x1b])), '不是錢包連結'],
  ];
  for (const [buffer, says] of photos) {
    await page.getByTestId('scan-photo').setInputFiles({ name: 'code.png', mimeType: 'image/png', buffer });
    await expect(refusal).toContainText(says);
  }

  expect(await storedMemberships(page)).toBe(1);
  expect((await outbox(page)).length).toBe(queuedBefore);
});

test('leaving the scanner turns the camera off, also while it is still starting', async ({ baseURL }, testInfo) => {
  const dir = testInfo.outputPath('camera');
  mkdirSync(dir, { recursive: true });
  // Nothing to read: the scanner keeps looking until the page goes.
  const context = await launchWithCamera(`${dir}/profile`, blankVideo(dir, 'blank'), baseURL!);
  try {
    await watchCameraStreams(context);
    const page = context.pages()[0] ?? (await context.newPage());
    const status = page.getByTestId('scan-status');
    const leave = async () => {
      await page.getByRole('link', { name: '返回' }).click();
      await expect(page).toHaveURL(/\/$/);
    };
    await page.goto('/');

    // Left while the camera is starting: it comes on after the page went, and goes off at once.
    await holdCamera(page);
    await page.getByTestId('scan-cta').click();
    await expect(status).toContainText('正在開啟相機');
    await leave();
    await releaseCamera(page);
    await expect.poll(() => cameraOff(page), { message: 'camera off after leaving while starting', timeout: 10_000 }).toBe(true);

    // Left while it is looking.
    await page.getByTestId('scan-cta').click();
    await expect(status).toContainText('正在尋找 QR code');
    await expect(page.getByTestId('scan-refusal')).toHaveCount(0);
    expect(await cameraOff(page), 'the camera is on while looking').toBe(false);
    await leave();
    await expect.poll(() => cameraOff(page), { message: 'camera off after leaving while looking', timeout: 10_000 }).toBe(true);
  } finally {
    await context.close();
  }
});
