// Reading what the server holds, over the protocol itself, as a second client would.
import type { Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';

/**
 * The id and bearer token of a stored membership, read from the wallet's IndexedDB: the one at
 * `merchantId`, or the first.
 */
export async function storedToken(page: Page, merchantId?: string): Promise<{ id: string; token: string }> {
  return page.evaluate(
    (merchantId) =>
      new Promise<{ id: string; token: string }>((resolve, reject) => {
        const open = indexedDB.open('member-wallet');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('memberships').objectStore('memberships').getAll();
          all.onsuccess = () => {
            open.result.close();
            const found = merchantId
              ? all.result.find((m: any) => m.merchant.id === merchantId)
              : all.result[0];
            if (found) resolve({ id: found.id, token: found.token });
            else reject(new Error(`no stored membership${merchantId ? ` at ${merchantId}` : ''}`));
          };
          all.onerror = () => reject(all.error);
        };
      }),
    merchantId,
  );
}

/** A full pull with a fresh client id: every entity the issuer holds for the membership. */
export async function serverSnapshot(baseURL: string, token: string): Promise<any[]> {
  const changes: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await fetch(new URL('/v1/sync', baseURL), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: randomUUID(), cursor, mutations: [] }),
    });
    if (res.status !== 200) throw new Error(`sync answered ${res.status}: ${await res.text()}`);
    const body = await res.json();
    changes.push(...body.changes);
    cursor = body.cursor;
    if (!body.more) break;
  }
  return changes;
}

/** The membership entity's data as the server holds it. */
export async function serverMembership(baseURL: string, token: string, id: string): Promise<any> {
  const changes = await serverSnapshot(baseURL, token);
  const membership = changes.find((c) => c.kind === 'membership' && c.id === id);
  if (!membership) throw new Error(`no membership entity ${id} in ${JSON.stringify(changes)}`);
  return membership.data;
}
