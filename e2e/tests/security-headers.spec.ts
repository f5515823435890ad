// The wallet runs under a strict Content-Security-Policy (no inline script without its hash) and
// the server's other security headers. Every e2e test fails on a policy violation (fixtures.ts);
// this file checks that the policy is really there, that it really blocks, and walks the pages.
import { test, expect } from '../fixtures';
import { demo, joinLink } from '../wallet-page';

test('the app is served with a strict policy and the security headers', async ({ page, request }) => {
  const response = await page.goto('/');
  const headers = response!.headers();
  const policy = headers['content-security-policy'] ?? '';
  const scriptSrc = policy.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
  expect(scriptSrc).toContain("'wasm-unsafe-eval'");
  expect(scriptSrc).toMatch(/'sha256-[A-Za-z0-9+/]+=*'/);
  expect(scriptSrc).not.toContain('unsafe-inline');
  expect(policy).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['permissions-policy']).toContain('camera=(self)');

  const api = await request.post('/v1/enroll', { data: { join_code: demo.cafe.code } });
  expect(api.status()).toBe(200);
  expect(api.headers()['cache-control']).toBe('no-store');
});

test('an injected inline script is blocked and reported', async ({ page, cspViolations }) => {
  await page.goto('/');
  await expect(page.getByTestId('wallet-list').or(page.getByTestId('wallet-empty'))).toBeVisible();
  const blocked = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), {
          once: true,
        });
        const script = document.createElement('script');
        script.textContent = 'window.injected = true';
        document.head.append(script);
      }),
  );
  expect(blocked).toMatch(/^script-src/);
  expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
  await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
  // Provoked on purpose: not a failure of this test.
  cspViolations.length = 0;
});

test('every page of a member opens without a policy violation', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
  await expect(page.getByRole('img', { name: '會員條碼，請店員掃描' })).toBeVisible();
  const card = page.url();
  for (const path of ['/coupons', '/points']) {
    await page.goto(`${card}${path}`);
    await expect(page.locator('h1, h2').first()).toBeVisible();
  }
  await page.goto('/settings');
  await expect(page.locator('h1, h2').first()).toBeVisible();
  await page.goto('/');
  await expect(page.getByTestId('membership-tile').first()).toBeVisible();
});
