// The wallet's half of the provably fair draws (protocol.md §14.1): after joining a merchant that
// runs games, the wallet sets its own random client seed on the committed seed by itself, so the
// next purchase's ticket arrives drawn (ready to reveal offline) rather than waiting.
import { test, expect, decodeQrFromElement } from '../fixtures';
import { demo, joinLink } from '../wallet-page';
import { cashierPurchase, nudgeSync } from '../loyalty-helpers';
import { membershipOf, storeRecords } from '../fault-helpers';

type Entity = { membership_id: string; kind: string; id: string; data?: any };

async function entitiesOf(page: import('@playwright/test').Page, membershipId: string, kind: string) {
  const all = await storeRecords<Entity>(page, 'entities');
  return all.filter((e) => e.membership_id === membershipId && e.kind === kind);
}

test('the wallet sets its client seed by itself, and a ticket arrives drawn', async ({ page, baseURL }) => {
  await page.goto(joinLink(baseURL!, demo.yakiniku.code));
  await expect(page.getByRole('heading', { name: demo.yakiniku.zh })).toBeVisible();
  const member = await membershipOf(page, baseURL!);

  // The commitment came first; the wallet's seed is then confirmed by the issuer.
  await expect
    .poll(async () => (await entitiesOf(page, member.id, 'draw_seed'))[0]?.data?.client_seed ?? null, {
      message: 'the client seed, confirmed by the issuer',
      timeout: 20_000,
    })
    .toMatch(/^[0-9a-f-]{36}$/);
  const [seed] = await entitiesOf(page, member.id, 'draw_seed');
  expect(seed.data.commitment).toMatch(/^[0-9a-f]{64}$/);
  expect(seed.data.revealed_seed).toBeNull();

  const payload = await decodeQrFromElement(page.getByRole('img', { name: '會員條碼，請店員掃描' }));
  expect((await cashierPurchase(baseURL!, demo.yakiniku.cashierKey, payload, 600)).status).toBe(200);
  await nudgeSync(page);
  await expect
    .poll(async () => (await entitiesOf(page, member.id, 'ticket')).map((t) => t.data.state), { timeout: 20_000 })
    .toEqual(['ready']);
  const [ticket] = await entitiesOf(page, member.id, 'ticket');
  expect(ticket.data.nonce).toBe(1);
  expect(ticket.data.seed_id).toBe(seed.id);
});
