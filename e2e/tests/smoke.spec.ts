import { test, expect } from '../fixtures';

test('the wallet page loads from the reference server', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/Member Wallet/);
});
