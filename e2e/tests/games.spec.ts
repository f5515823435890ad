// The games in the wallet (issue 12): a purchase at the yakiniku place brings a scratch card and
// a spin of the wheel, drawn by the issuer and revealed here with no network; the prize exists
// once the issuer confirms the play; a played ticket is played once; revealing the seed lets the
// wallet check every draw, and a seed that is not the one committed to is called out.
import type { Page, Route } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { test, expect, decodeQrFromElement } from '../fixtures';
import { demo, joinLink } from '../wallet-page';
import { cashierPurchase, nudgeSync } from '../loyalty-helpers';
import { CORS, forward, membershipOf, outbox, setPrizeWeights, storeRecords } from '../fault-helpers';

test.use({ serverPerTest: true });

type Entity = { membership_id: string; kind: string; id: string; data?: any };

async function entitiesOf(page: Page, membershipId: string, kind: string): Promise<Entity[]> {
  const all = await storeRecords<Entity>(page, 'entities');
  return all.filter((e) => e.membership_id === membershipId && e.kind === kind);
}

/** Joins the yakiniku place, waits for the wallet's client seed, buys for NT$1,000: two tickets. */
async function twoTickets(page: Page, baseURL: string) {
  await page.goto(joinLink(baseURL, demo.yakiniku.code));
  await expect(page.getByRole('heading', { name: demo.yakiniku.zh })).toBeVisible();
  const member = await membershipOf(page, baseURL);
  await expect
    .poll(async () => (await entitiesOf(page, member.id, 'draw_seed'))[0]?.data?.client_seed ?? null, { timeout: 20_000 })
    .not.toBeNull();
  const payload = await decodeQrFromElement(page.getByRole('img', { name: '會員條碼，請店員掃描' }));
  expect((await cashierPurchase(baseURL, demo.yakiniku.cashierKey, payload, 1000)).status).toBe(200);
  await nudgeSync(page);
  const invite = page.getByTestId('games-invite');
  await expect(invite).toContainText('有 2 次可以玩', { timeout: 20_000 });
  return { member, invite };
}

async function ticketOf(page: Page, membershipId: string, game: 'scratch' | 'wheel'): Promise<Entity> {
  const tickets = await entitiesOf(page, membershipId, 'ticket');
  const ticket = tickets.find((t) => t.data.game === game);
  if (!ticket) throw new Error(`no ${game} ticket in ${JSON.stringify(tickets)}`);
  return ticket;
}

const label = (ticket: Entity, slot: string) => ticket.data.prizes.find((p: any) => p.slot === slot).label['zh-TW'];

test('a scratch card scratched with a finger shows its prize, which arrives once; it is played once', async ({ page, baseURL, server }) => {
  test.setTimeout(90_000);
  // The scratch card all but surely gives 100 points (the draw is still the issuer's own).
  setPrizeWeights(server.databaseUrl, 'yakiniku-scratch', { thanks: 1, points_100: 100_000, dessert: 1, platter: 1 });
  const { member, invite } = await twoTickets(page, baseURL!);
  await invite.getByRole('link', { name: '立即玩' }).click();
  await expect(page.getByTestId('game-ticket')).toHaveCount(2);
  await page.screenshot({ path: 'output/screenshots/games-list.png', fullPage: true });

  const ticket = await ticketOf(page, member.id, 'scratch');
  expect(ticket.data.awarded).toBe('points_100');
  await page.getByTestId('game-ticket').filter({ hasText: '和牛刮刮樂' }).click();
  const odds = page.getByTestId('game-odds');
  await expect(odds).toContainText('100 點');
  const canvas = page.getByTestId('scratch-canvas');
  await expect(canvas).toBeVisible();
  await page.screenshot({ path: 'output/screenshots/scratch-before.png', fullPage: true });

  // Scratching with the pointer: the prize is uncovered, then shown whole at about 60 %.
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + 10, box.y + 10);
  await page.mouse.down();
  for (let row = 0; row <= 8; row++) {
    const y = box.y + 12 + (row * (box.height - 24)) / 8;
    await page.mouse.move(row % 2 ? box.x + 10 : box.x + box.width - 10, y, { steps: 8 });
  }
  await page.mouse.up();
  await expect(page.getByTestId('game-headline')).toHaveText('恭喜獲得100 點！');
  await expect(page.getByTestId('scratch-reveal')).toHaveCount(0);

  // The prize is the issuer's to give: it says so, then confirms it.
  await expect(page.getByTestId('game-confirmed')).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: 'output/screenshots/scratch-after.png', fullPage: true });
  const ledger = await entitiesOf(page, member.id, 'ledger_entry');
  expect(ledger.filter((e) => e.data.reason === 'game').map((e) => e.data.points)).toEqual([100]);
  const [balance] = await entitiesOf(page, member.id, 'points_balance');

  // Played once: opened again it shows what it gave, with nothing to scratch and nothing queued.
  await page.goto(`/m/${member.id}/games/${ticket.id}`);
  await expect(page.getByTestId('game-headline')).toHaveText('恭喜獲得100 點！');
  await expect(page.getByText('這張遊戲券已經玩過了。')).toBeVisible();
  await expect(page.getByTestId('scratch-reveal')).toHaveCount(0);
  expect(await outbox(page, member.id)).toEqual([]);
  // Sent again by another client, the issuer refuses it and gives nothing more.
  const stored = (await storeRecords<any>(page, 'memberships')).find((m) => m.id === member.id);
  const res = await fetch(new URL('/v1/sync', baseURL), {
    method: 'POST',
    headers: { authorization: `Bearer ${stored.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: randomUUID(),
      cursor: null,
      mutations: [{ seq: 1, id: randomUUID(), name: 'ticket.play', args: { ticket_id: ticket.id }, client_time: Date.now() }],
    }),
  });
  const answer = await res.json();
  expect(answer.results[0]).toMatchObject({ status: 'rejected', code: 'ticket_played' });
  expect(answer.changes.find((c: any) => c.kind === 'points_balance').data.balance).toBe(balance.data.balance);

  await page.goto(`/m/${member.id}`);
  await expect(page.getByTestId('points-balance')).toContainText(String(balance.data.balance));
  await expect(page.getByTestId('games-invite')).toContainText('有 1 次可以玩');
});

test('the wheel stops on the drawn segment, and with the seed revealed every draw is verified', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const { member, invite } = await twoTickets(page, baseURL!);
  const ticket = await ticketOf(page, member.id, 'wheel');
  await invite.getByRole('link', { name: '立即玩' }).click();
  await page.getByTestId('game-ticket').filter({ hasText: '燒肉幸運轉盤' }).click();
  const wheel = page.getByTestId('wheel');
  await expect(wheel).toBeVisible();
  await page.screenshot({ path: 'output/screenshots/wheel.png', fullPage: true });
  await page.getByTestId('wheel-spin').click();
  await expect(page.getByTestId('game-outcome')).toBeVisible({ timeout: 15_000 });

  // Where it stopped, read from the page: the segment under the pointer is the drawn slot.
  const angle = await wheel.evaluate((el) => {
    const m = new DOMMatrix(getComputedStyle(el).transform);
    return (Math.atan2(m.b, m.a) * 180) / Math.PI;
  });
  const count = ticket.data.table.slots.length;
  const under = Math.floor((((-angle % 360) + 360) % 360) / (360 / count));
  const drawnIndex = ticket.data.table.slots.findIndex((s: any) => s.id === ticket.data.drawn);
  expect(under, `stopped at ${angle} degrees`).toBe(drawnIndex);
  await expect(wheel.locator(`[data-segment="${drawnIndex}"] text`)).toHaveText(label(ticket, ticket.data.drawn).slice(0, 10));
  await expect(page.getByTestId('game-headline')).toContainText(label(ticket, ticket.data.awarded));
  await page.screenshot({ path: 'output/screenshots/wheel-stopped.png', fullPage: true });

  // Reveal the seed: both tickets of it (the one played and the one not yet) check out.
  await page.getByTestId('game-back').click();
  const fair = page.getByTestId('fair-play');
  const commitment = await fair.getByTestId('seed-commitment').textContent();
  await fair.getByTestId('seed-rotate').click();
  await expect(fair.getByTestId('seed-verified')).toHaveText('✓ 2 次抽獎全部驗證無誤，每一次都與種子算出的結果相同。', { timeout: 20_000 });
  await expect(fair.getByTestId('seed-commitment')).not.toHaveText(commitment!);
  await page.screenshot({ path: 'output/screenshots/games-verified.png', fullPage: true });

  // The same in English.
  await page.goto('/');
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.goto(`/m/${member.id}/games`);
  await expect(fair.getByTestId('seed-verified')).toHaveText('✓ All 2 draws checked: each is what the seed gives.');
  await page.screenshot({ path: 'output/screenshots/games-verified-en.png', fullPage: true });
  await page.getByTestId('game-ticket').first().click();
  await expect(page.getByTestId('scratch-canvas')).toBeVisible();
  await page.screenshot({ path: 'output/screenshots/scratch-before-en.png', fullPage: true });
});

test('a revealed seed that is not the one committed to is called out; with less motion the wheel does not spin', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const { member, invite } = await twoTickets(page, baseURL!);
  await invite.getByRole('link', { name: '立即玩' }).click();
  await page.getByTestId('game-ticket').filter({ hasText: '燒肉幸運轉盤' }).click();
  await page.getByTestId('wheel-spin').click();
  // No spin to wait for: the outcome is there at once and the wheel never had a transition.
  await expect(page.getByTestId('game-outcome')).toBeVisible();
  expect(await page.getByTestId('wheel').evaluate((el) => getComputedStyle(el).transitionDuration)).toBe('0s');
  await page.getByTestId('game-back').click();

  // The issuer (here a forged answer) reveals a seed other than the one it committed to.
  const forged = 'ab'.repeat(32);
  await page.route('**/v1/sync', async (route: Route) => {
    const body = await forward(route);
    for (const change of body.changes ?? []) {
      if (change.kind === 'draw_seed' && change.data?.revealed_seed) change.data.revealed_seed = forged;
    }
    await route.fulfill({ json: body, headers: CORS });
  });
  await page.getByTestId('seed-rotate').click();
  const warning = page.getByTestId('seed-warning');
  await expect(warning).toContainText('警告：這些抽獎結果與店家先前鎖定的不符。', { timeout: 20_000 });
  await expect(warning).toContainText('揭曉的種子不是店家先前鎖定的那一個。');
  await expect(page.getByTestId('seed-verified')).toHaveCount(0);
  // One tap, one reveal: the forged seed is the only revealed one.
  const seeds = await entitiesOf(page, member.id, 'draw_seed');
  expect(seeds.filter((s) => s.data.revealed_seed).map((s) => s.data.revealed_seed)).toEqual([forged]);
  await page.screenshot({ path: 'output/screenshots/games-warning.png', fullPage: true });
});
