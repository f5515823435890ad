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

/** The wallet syncs when its page becomes visible: tell it so, as a phone does on unlock. */
export async function nudgeSync(page: Page) {
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
}
