// The cashier's side of loyalty (POS endpoints) and a way to make the open wallet sync now.
import type { Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';

async function post(baseURL: string, path: string, key: string, body: unknown) {
  const res = await fetch(new URL(path, baseURL), {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body: json };
}

/** The cashier records a purchase from the member's QR payload. */
export function cashierPurchase(baseURL: string, key: string, payload: string, amount: number) {
  return post(baseURL, '/v1/cashier/purchase', key, { payload, amount, request_id: randomUUID() });
}

/** The cashier redeems a coupon from its QR payload (`MWC1:...`). */
export function cashierRedeem(baseURL: string, key: string, couponPayload: string) {
  return post(baseURL, '/v1/cashier/redeem', key, { coupon_code: couponPayload, request_id: randomUUID() });
}

/**
 * Staff add (positive) or take off (negative) stamps on the member's stamp card, by membership id
 * (補章: a stamp owed, or one given by mistake). Not held back by the per-day limit.
 */
export function cashierAdjustStamps(
  baseURL: string,
  key: string,
  membershipId: string,
  deltaStamps: number,
  requestId: string = randomUUID(),
) {
  return post(baseURL, '/v1/cashier/adjust', key, {
    membership_id: membershipId,
    delta_stamps: deltaStamps,
    reason: 'adjustment',
    request_id: requestId,
  });
}

/** The wallet syncs when its page becomes visible: tell it so, as a phone does on unlock. */
export async function nudgeSync(page: Page) {
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
}
