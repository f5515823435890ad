// Join links are made by anyone. A hostile or broken one gets a clear message and leaves the
// wallet exactly as it was.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect, WalletServer } from '../fixtures';
import { confirmNewIssuer, demo, joinLink, storedMemberships } from '../wallet-page';

/** A real issuer on loopback that answers every request with `body` (and CORS, so the browser reads it). */
async function brokenIssuer(body: string, contentType: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type, authorization');
    res.setHeader('access-control-allow-methods', 'POST, GET, OPTIONS');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'content-type': contentType }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test.beforeEach(async ({ page }) => {
  // A link must never run script in the wallet.
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
});

async function expectNothingStored(page: import('@playwright/test').Page) {
  await page.goto('/');
  await expect(page.getByTestId('wallet-empty')).toBeVisible();
  expect(await storedMemberships(page)).toBe(0);
}

test('a javascript: issuer is refused before anything is sent', async ({ page, baseURL }) => {
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(joinLink(baseURL!, demo.cafe.code, 'javascript:alert(document.domain)'));
  await expect(page.getByTestId('join-error')).toContainText('這個連結不是店家的網址');
  expect(requests.filter((url) => url.includes('/v1/'))).toEqual([]);
  await expectNothingStored(page);
});

test('plain http to a stranger is refused', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.cafe.code, 'http://shop.example.com'));
  await expect(page.getByTestId('join-error')).toContainText('不安全');
  await expectNothingStored(page);
});

test('an unknown join code says so', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, 'NO-SUCH-SHOP'));
  await expect(page.getByTestId('join-error')).toContainText('找不到這個加入代碼');
  await expectNothingStored(page);
});

test('a join code with markup in it is refused', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, '<img src=x onerror=alert(1)>'));
  await expect(page.getByTestId('join-error')).toContainText('加入代碼只能有英文字母');
  await expectNothingStored(page);
});

for (const [what, body, type] of [
  ['HTML instead of JSON', '<html><body>Welcome to nginx!</body></html>', 'text/html'],
  ['JSON of the wrong shape', '{"membership":{"id":42,"token":null},"merchant":"x"}', 'application/json'],
  [
    'a membership with a hostile merchant name',
    JSON.stringify({
      membership: { id: '7K3D9QX2M4PA', token: 'tok', member_since: 0 },
      totp: { secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', digits: 6, period: 30 },
      merchant: {
        id: 'evil',
        name: { 'zh-TW': '好店\u202e', en: 'Good shop' },
        tagline: { 'zh-TW': 'x', en: 'x' },
        brand_color: '#000000',
        mark: 'X',
      },
    }),
    'application/json',
  ],
] as const) {
  test(`an issuer answering ${what} is refused`, async ({ page, baseURL }) => {
    const issuer = await brokenIssuer(body, type);
    try {
      await page.goto(joinLink(baseURL!, 'CAFE', issuer.url));
      await confirmNewIssuer(page);
      await expect(page.getByTestId('join-error')).toContainText('回應無法辨識');
      await expectNothingStored(page);
    } finally {
      issuer.server.close();
    }
  });
}

test('an issuer that is down says it cannot be reached', async ({ page, baseURL }) => {
  const issuer = await brokenIssuer('', 'text/plain');
  issuer.server.close();
  await page.goto(joinLink(baseURL!, 'CAFE', issuer.url));
  await confirmNewIssuer(page);
  await expect(page.getByTestId('join-error')).toContainText('無法連線到 127.0.0.1');
  await expectNothingStored(page);
});

test('a link to an issuer never joined asks first, shows its host and sends nothing until yes', async ({
  page,
  baseURL,
}) => {
  const other = await WalletServer.start();
  try {
    const otherOrigin = other.url.replace(/\/$/, '');
    const host = new URL(other.url).host;
    const enrolls: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/v1/enroll')) enrolls.push(request.url());
    });
    await page.goto(joinLink(baseURL!, demo.books.code, otherOrigin));
    const confirm = page.getByTestId('join-confirm');
    await expect(confirm).toContainText(host);
    await page.screenshot({ path: 'output/screenshots/join-new-issuer.png', fullPage: true });
    // No: back to the wallet, nothing sent, nothing stored.
    await page.getByRole('link', { name: '返回' }).click();
    await expect(page.getByTestId('wallet-empty')).toBeVisible();
    expect(enrolls).toEqual([]);
    expect(await storedMemberships(page)).toBe(0);

    // Yes: joined.
    await page.goto(joinLink(baseURL!, demo.books.code, otherOrigin));
    await confirmNewIssuer(page);
    await expect(page.getByRole('heading', { name: demo.books.zh })).toBeVisible();
    expect(enrolls).toHaveLength(1);
    // A host joined before is not asked about again, and the wallet's own server never is.
    await page.goto(joinLink(baseURL!, demo.cafe.code, otherOrigin));
    await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
    await page.goto(joinLink(baseURL!, demo.yakiniku.code));
    await expect(page.getByRole('heading', { name: demo.yakiniku.zh })).toBeVisible();
    expect(await storedMemberships(page)).toBe(3);
  } finally {
    await other.stop();
  }
});
