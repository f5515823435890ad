// zh-TW for Chinese browsers, English otherwise, and the customer's own choice wins.
import { test, expect } from '../fixtures';
import { demo, joinLink } from '../wallet-page';

test.describe('an English browser', () => {
  test.use({ locale: 'en-US' });

  test('reads the wallet in English and the merchant under its English name', async ({ page, baseURL }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'No memberships yet' })).toBeVisible();
    await page.goto(joinLink(baseURL!, demo.books.code));
    await expect(page.getByRole('heading', { name: demo.books.en })).toBeVisible();
    await expect(page.getByRole('img', { name: 'Member code for the cashier to scan' })).toBeVisible();
  });
});

test.describe('a Chinese browser', () => {
  test.use({ locale: 'zh-HK' });

  test('reads Traditional Chinese, and switching to English is remembered', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: '還沒有會員卡' })).toBeVisible();
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect(page.getByRole('heading', { name: 'No memberships yet' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('heading', { name: 'No memberships yet' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  });
});
