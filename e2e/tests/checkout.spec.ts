// Checkout mode (issue 14): the member QR and the e-invoice carrier on one screen for the till.
// The carrier is typed in Settings, refused with words that say what is wrong, kept on the
// phone, and drawn as Code 39 that zbar (a decoder of its own) reads back to the carrier.
import { test, expect, decodeQrFromElement, cashierScan } from '../fixtures';
import { zbarRead } from '../barcodes';
import { demo, joinLink, MEMBER_CODE } from '../wallet-page';

test('checkout mode shows the member code the cashier accepts, and the carrier typed in Settings as Code 39', async ({
  page,
  baseURL,
}) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  const cardUrl = page.url();

  // Without a carrier: the member code alone, and the way to add one.
  await page.getByTestId('checkout-open').click();
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}\/checkout$/);
  await expect(page.getByRole('heading', { name: '結帳' })).toBeVisible();
  const qr = page.getByTestId('checkout-qr');
  await expect(qr).toBeVisible();
  await expect(page.getByTestId('checkout-no-carrier')).toBeVisible();
  const code = await decodeQrFromElement(qr);
  const [, membershipId] = code.match(MEMBER_CODE) ?? [];
  expect(membershipId, `a member code, got ${code}`).toBeTruthy();
  // The number under the QR is its text alternative too.
  const grouped = membershipId.replace(/(.{4})(?=.)/g, '$1 ');
  await expect(page.getByTestId('checkout-number')).toHaveText(grouped);
  await expect(qr).toHaveAttribute('aria-label', new RegExp(grouped));
  const accepted = await cashierScan(baseURL!, demo.cafe.cashierKey, code);
  expect(accepted.status).toBe(200);
  expect(accepted.body.membership_id).toBe(membershipId);

  // Settings: each mistake is named, and nothing is kept until the carrier is right.
  await page.getByRole('link', { name: '加入手機條碼' }).click();
  await expect(page).toHaveURL(/\/settings#carrier$/);
  const input = page.getByTestId('carrier-input');
  const problem = page.getByTestId('carrier-problem');
  const save = page.getByTestId('carrier-save');
  await input.fill('ABC1234');
  await save.click();
  await expect(problem).toHaveText('手機條碼以「/」開頭。');
  await input.fill('/ABC12');
  await expect(problem).toHaveText('手機條碼在「/」之後有 7 個字元，這裡有 5 個。');
  await input.fill('/ABC*234');
  await expect(problem).toHaveText('手機條碼不能有「*」，只能有 0–9、A–Z 和 + - . 三個符號。');
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('carrier-outcome')).toBeEmpty();
  // What a Chinese keyboard types (a full-width slash, lower case) is kept as the till reads it.
  await input.fill('／abc+1.-');
  await expect(problem).toBeEmpty();
  await save.click();
  await expect(page.getByTestId('carrier-outcome')).toHaveText('已儲存，結帳模式會顯示。');
  await expect(input).toHaveValue('/ABC+1.-');
  await page.screenshot({ path: 'output/screenshots/settings-carrier.png', fullPage: true });

  // Kept on the phone: a reload shows it again.
  await page.reload();
  await expect(page.getByTestId('carrier-input')).toHaveValue('/ABC+1.-');

  // Checkout mode now has both codes, a tap apart; the bars read back to the carrier.
  await page.goto(`${cardUrl}/checkout`);
  await expect(page.getByTestId('checkout-qr')).toBeVisible();
  await expect(page.getByTestId('checkout-tab-0')).toHaveAttribute('aria-selected', 'true');
  await page.screenshot({ path: 'output/screenshots/checkout-member.png' });
  await page.getByTestId('checkout-tab-1').click();
  await expect(page.getByTestId('checkout-tab-1')).toHaveAttribute('aria-selected', 'true');
  const barcode = page.getByTestId('checkout-barcode');
  await expect(barcode).toBeInViewport({ ratio: 1 });
  await expect(barcode).toHaveAttribute('aria-label', '電子發票手機條碼 /ABC+1.-');
  await expect(page.getByTestId('checkout-carrier-text')).toHaveText('/ABC+1.-');
  await page.screenshot({ path: 'output/screenshots/checkout-carrier.png' });
  await expect.poll(() => zbarRead(barcode), { message: 'zbar reads the carrier' }).toEqual([
    'CODE-39:/ABC+1.-',
  ]);
  // And back, by the other tab: the member code is still one the cashier takes.
  await page.getByTestId('checkout-tab-0').click();
  await expect(page.getByTestId('checkout-qr')).toBeInViewport({ ratio: 1 });

  // Removed in Settings, it is gone from checkout mode.
  await page.goto('/settings');
  await page.getByTestId('carrier-remove').click();
  await expect(page.getByTestId('carrier-outcome')).toHaveText('已從這支手機移除。');
  await expect(page.getByTestId('carrier-input')).toHaveValue('');
  await page.goto(`${cardUrl}/checkout`);
  await expect(page.getByTestId('checkout-no-carrier')).toBeVisible();
  await expect(page.getByTestId('checkout-barcode')).toHaveCount(0);
});
