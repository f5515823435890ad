// What the tests need to know about the wallet's pages and storage, in one place.
import type { Page } from '@playwright/test';

/** The demo merchants `wallet-server --demo` seeds (server/src/demo.rs). */
export const demo = {
  yakiniku: { code: 'YAKINIKU', cashierKey: 'demo-cashier-yakiniku', zh: '炭火小巷燒肉', en: 'Alley Charcoal Yakiniku' },
  cafe: { code: 'CAFE', cashierKey: 'demo-cashier-cafe', zh: '晨光咖啡', en: 'Morning Light Café' },
  books: { code: 'BOOKS', cashierKey: 'demo-cashier-books', zh: '青田書店', en: 'Qingtian Books' },
  ramen: { code: 'RAMEN', cashierKey: 'demo-cashier-ramen', zh: '小巷拉麵', en: 'Alley Ramen' },
};

/** The deep link a merchant's QR code carries. */
export function joinLink(baseURL: string, code: string, issuer = baseURL.replace(/\/$/, '')): string {
  return `/join?issuer=${encodeURIComponent(issuer)}&code=${encodeURIComponent(code)}`;
}

/**
 * A link to an issuer the customer never joined asks before anything is sent there (the link
 * waits in the join form): says yes.
 */
export async function confirmNewIssuer(page: Page): Promise<void> {
  await page.getByTestId('join-confirm').waitFor();
  await page.getByRole('button', { name: '加入' }).click();
}

/** How many memberships the wallet's IndexedDB holds (read straight from the store). */
export async function storedMemberships(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('member-wallet');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('memberships')) {
            db.close();
            resolve(0);
            return;
          }
          const count = db.transaction('memberships').objectStore('memberships').count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
          count.onerror = () => reject(count.error);
        };
      }),
  );
}

export const MEMBER_CODE = /^MW1:([0-9A-HJKMNP-TV-Z]{12}):(\d{6})$/;
