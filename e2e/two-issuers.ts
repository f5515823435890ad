// A wallet holding cards of two issuers (two server processes, each with its own port and
// database), for the tests of what one issuer can and cannot do to the other's cards.
import type { Page } from '@playwright/test';
import { expect } from './fixtures';
import { confirmNewIssuer, demo, joinLink } from './wallet-page';
import { RestartableServer, membershipOf, waitForFirstSync } from './fault-helpers';

/** The wallet (at the first issuer's origin) holding a café card of the first issuer and a
 * bookshop card of `other`. */
export async function twoCards(page: Page, baseURL: string, other: RestartableServer) {
  await page.goto(joinLink(baseURL, demo.cafe.code));
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  const a = await membershipOf(page, baseURL);
  await waitForFirstSync(page, a.id);
  // The other issuer's QR code opens the same wallet: plain http is allowed to loopback.
  await page.goto(joinLink(baseURL, demo.books.code, other.origin));
  await confirmNewIssuer(page);
  await expect(page.getByRole('heading', { name: demo.books.zh })).toBeVisible();
  const b = await membershipOf(page, other.url);
  await waitForFirstSync(page, b.id);
  return { a, b };
}

/** Only the other issuer's sync endpoint. */
export function syncOf(server: RestartableServer): (url: URL) => boolean {
  const port = new URL(server.url).port;
  return (url) => url.port === port && url.pathname === '/v1/sync';
}

