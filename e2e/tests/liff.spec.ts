// Inside LINE (LIFF), with LINE's own @line/liff-mock standing in for the LINE app: the wallet
// starts the vendored SDK only there, shows the LINE name, enrolls with the ID token (verified by
// the server with a verifier on loopback whose keys this test holds), shares through LINE's share
// target picker and scans with LINE's scanner. A forged or expired token joins nothing.
import { test, expect, WalletServer } from '../fixtures';
import type { BrowserContext } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { distDir } from '../paths';
import { demo, joinLink, storedMemberships } from '../wallet-page';
import { lineUserIds } from '../fault-helpers';

const CHANNEL = '1650000000';
const LIFF_ID = '1650000000-AbCd1234';
const KEY = 'the e2e verifier key';
const LINE_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/126.0 Mobile Safari/537.36 Line/14.5.0';
const SDK = 'liff-2.31.0.js';
const mockUmd = readFileSync(require.resolve('@line/liff-mock/dist/umd/liff-mock.js'), 'utf8');

const hex = (text: string) => Buffer.from(text).toString('hex');
/** A token of the test's verifier: the claims in hex, a dot, their HMAC (server/tests/line.rs). */
function token(sub: string, exp: number, key = KEY): string {
  const payload = hex(JSON.stringify({ iss: 'https://access.line.me', sub, aud: CHANNEL, exp }));
  return `${payload}.${createHmac('sha256', key).update(payload).digest('hex')}`;
}
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

/** What LINE's POST /oauth2/v2.1/verify does: signature, channel, expiry. */
function startVerifier(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const [payload, signature] = (form.get('id_token') ?? '').split('.');
      const refuse = (why: string) => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_request', error_description: why }));
      };
      if (!payload || createHmac('sha256', KEY).update(payload).digest('hex') !== signature) {
        return refuse('Invalid IdToken Signature.');
      }
      const claims = JSON.parse(Buffer.from(payload, 'hex').toString('utf8'));
      if (claims.aud !== form.get('client_id')) return refuse('Invalid IdToken Audience.');
      if (!(claims.exp > Date.now() / 1000)) return refuse('IdToken expired.');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...claims, iat: Math.floor(Date.now() / 1000) - 60, name: 'LINE name' }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}/oauth2/v2.1/verify`, server });
    }),
  );
}

/**
 * A phone in LINE: LINE's user agent, no service worker (LINE's webview has none), and the
 * vendored SDK served with liff-mock plugged in (`mock: true` at init; in LINE the user is signed
 * in by itself). `mock` is what the mocked LINE answers (liff-mock's `$mock.set`).
 */
async function inLine(context: BrowserContext, mock: Record<string, unknown>): Promise<void> {
  await context.addInitScript((data) => ((window as any).__liffMockData = data), mock);
  await context.route(`**/${SDK}`, (route) =>
    route.fulfill({
      contentType: 'text/javascript',
      body: `import liff from '/__e2e/liff-real.js';
import '/__e2e/liff-mock.js';
liff.use(new self.liffMock()); // the UMD build's global is the plugin class
const init = liff.init.bind(liff);
liff.init = (config) => init({ ...config, mock: true }).then(() => {
  liff.$mock.set((p) => ({ ...p, ...self.__liffMockData }));
  liff.login();
  const share = liff.shareTargetPicker;
  liff.shareTargetPicker = (messages) => { self.__lineShared = messages; return share(messages); };
});
export default liff;`,
    }),
  );
  await context.route('**/__e2e/liff-real.js', (route) =>
    route.fulfill({ contentType: 'text/javascript', body: readFileSync(path.join(distDir, SDK), 'utf8') }),
  );
  await context.route('**/__e2e/liff-mock.js', (route) =>
    route.fulfill({ contentType: 'text/javascript', body: mockUmd }),
  );
  // LINE's profile pictures (CSP img-src allows this host): a grey square, the network is closed.
  await context.route('https://profile.line-scdn.net/**', (route) =>
    route.fulfill({
      contentType: 'image/png',
      body: Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4DwABAQEAWjJ5PAAAAABJRU5ErkJggg==',
        'base64',
      ),
    }),
  );
}

let verifier: { url: string; server: Server };
let server: WalletServer;
test.beforeAll(async () => {
  verifier = await startVerifier();
  server = await WalletServer.start([
    '--liff-id', LIFF_ID, '--line-channel-id', CHANNEL, '--line-verify-url', verifier.url,
  ]);
});
test.afterAll(async () => {
  await server?.stop();
  verifier?.server.close();
});

test('in LINE: the LINE name shows, joining links the LINE user, sharing and scanning use LINE', async ({
  browser,
}) => {
  const base = server.url.replace(/\/$/, '');
  const context = await browser.newContext({ userAgent: LINE_UA, serviceWorkers: 'block', baseURL: server.url });
  try {
    await inLine(context, {
      isInClient: true,
      isLoggedIn: true,
      isApiAvailable: true,
      getIDToken: token('U4af4980629', inAnHour()),
      getProfile: { displayName: '林小美', userId: 'U4af4980629', pictureUrl: 'https://profile.line-scdn.net/abc' },
      shareTargetPicker: { status: 'success' },
      scanCode: { value: `${base}${joinLink(server.url, demo.books.code)}` },
    });
    const page = await context.newPage();
    // A permanent link (https://liff.line.me/<id>/join?...) opens the app with liff.state.
    await page.goto(`/?liff.state=${encodeURIComponent(joinLink(server.url, demo.cafe.code))}`);
    await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
    await expect(page.getByTestId('line-identity')).toContainText('你的 LINE：林小美');
    await page.screenshot({ path: 'output/screenshots/line-card.png', fullPage: true });
    // The shop linked the LINE user it verified, not a name the wallet sent.
    expect(lineUserIds(server.databaseUrl)).toEqual(['U4af4980629']);

    // The invitation goes out through LINE's share target picker.
    await page.getByTestId('invite-link').click();
    await page.getByTestId('invite-share').click();
    await expect(page.getByTestId('invite-outcome')).toHaveText('邀請已送出。');
    const shared = await page.evaluate(() => (window as any).__lineShared);
    expect(shared[0].type).toBe('text');
    expect(shared[0].text).toMatch(/\/join\?issuer=[^&]+&code=CAFE&ref=[0-9A-Z]+/);

    // The scanner asks LINE's own (scanCodeV2), which read the bookshop's poster.
    await page.goto('/scan');
    await expect(page.getByRole('heading', { name: demo.books.zh })).toBeVisible({ timeout: 15_000 });
    expect(lineUserIds(server.databaseUrl)).toEqual(['U4af4980629', 'U4af4980629']);

    // Settings say LINE keeps a wallet of its own.
    await page.goto('/settings');
    await expect(page.getByTestId('settings-line')).toContainText('LINE 會另外保存一份錢包');
  } finally {
    await context.close();
  }
});

for (const [what, idToken] of [
  ['forged', () => token('U0000000001', inAnHour(), 'someone else’s key')],
  ['expired', () => token('U0000000002', Math.floor(Date.now() / 1000) - 60)],
] as const) {
  test(`in LINE, a ${what} ID token joins nothing and the customer is told`, async ({ browser }) => {
    const context = await browser.newContext({ userAgent: LINE_UA, serviceWorkers: 'block', baseURL: server.url });
    try {
      await inLine(context, { isInClient: true, isLoggedIn: true, getIDToken: idToken() });
      const page = await context.newPage();
      const before = lineUserIds(server.databaseUrl).length;
      await page.goto(joinLink(server.url, demo.yakiniku.code));
      await expect(page.getByTestId('join-error')).toContainText('店家無法確認你的 LINE 登入');
      expect(await storedMemberships(page)).toBe(0);
      expect(lineUserIds(server.databaseUrl).length).toBe(before);
    } finally {
      await context.close();
    }
  });
}

test('outside LINE nothing of LIFF is fetched, even with a LIFF id set', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.url });
  try {
    const page = await context.newPage();
    const asked: string[] = [];
    page.on('request', (request) => {
      if (/liff/.test(new URL(request.url()).pathname)) asked.push(request.url());
    });
    await page.goto(joinLink(server.url, demo.cafe.code));
    await expect(page).toHaveURL(/\/m\/[0-9A-Z]{12}$/);
    await expect(page.getByTestId('line-identity')).toHaveCount(0);
    expect(asked).toEqual([]);
  } finally {
    await context.close();
  }
});
