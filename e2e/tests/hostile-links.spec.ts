// Join links are made by anyone. A hostile or broken one gets a clear message and leaves the
// wallet exactly as it was.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from '../fixtures';
import { demo, joinLink, storedMemberships } from '../wallet-page';

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
  await expect(page.getByTestId('join-error')).toContainText('無法連線到 127.0.0.1');
  await expectNothingStored(page);
});
