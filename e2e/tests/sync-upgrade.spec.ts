// A wallet made by the first release (IndexedDB schema version 1: the `memberships` store only)
// opens with this one: the schema upgrades, the card is still there, and it syncs with its issuer
// (its token kept) so an action taken after the upgrade is applied exactly once.
// app/tests/upgrade.rs checks the upgrade itself in the browser; this is the whole journey.
import { test, expect } from '../fixtures';
import { demo, joinLink } from '../wallet-page';
import {
  expectConfirmedName,
  memberships,
  saveName,
  serverDisplayName,
  serverResults,
  storeRecords,
  waitForFirstSync,
} from '../fault-helpers';

test('a version-1 wallet upgrades, keeps its card and syncs it', async ({ page, baseURL, server, browser }) => {
  // A membership as the first release stored it (the record format has not changed).
  await page.goto(joinLink(baseURL!, demo.cafe.code));
  await expect(page.getByRole('heading', { name: demo.cafe.zh })).toBeVisible();
  const [record] = await memberships(page);

  // Another phone (a fresh profile) holding that wallet in a version-1 database. The app does not
  // run while it is built: a plain file of the origin is open, and no service worker serves it.
  const old = await browser.newContext({ baseURL, serviceWorkers: 'block' });
  try {
    const phone = await old.newPage();
    await phone.goto('/manifest.webmanifest');
    await phone.evaluate(
      (record) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('member-wallet', 1);
          open.onupgradeneeded = () => open.result.createObjectStore('memberships', { keyPath: 'id' });
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('memberships', 'readwrite');
            tx.objectStore('memberships').put(record);
            tx.oncomplete = () => {
              open.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
      record,
    );

    await phone.goto('/');
    await expect(phone.getByRole('link', { name: new RegExp(demo.cafe.zh) })).toBeVisible();
    const version = await phone.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('member-wallet');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            resolve(open.result.version);
            open.result.close();
          };
        }),
    );
    expect(version).toBe(2);
    expect(await memberships(phone)).toEqual([record]);
    await waitForFirstSync(phone, record.id);
    const entities = await storeRecords(phone, 'entities');
    expect(entities.map((e) => `${e.kind}:${e.id}`)).toEqual(
      expect.arrayContaining([`membership:${record.id}`, 'merchant:morning-cafe']),
    );

    await phone.goto(`/m/${record.id}`);
    await saveName(phone, '升級後');
    await expectConfirmedName(phone, '升級後');
    const rows = serverResults(server.databaseUrl, record.id);
    expect(rows.map((r) => [r.seq, r.status])).toEqual([[1, 'applied']]);
    expect(serverDisplayName(server.databaseUrl, record.id)).toBe('升級後');
  } finally {
    await old.close();
  }
});
