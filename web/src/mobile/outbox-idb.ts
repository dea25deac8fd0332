import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { OutboxItem, OutboxStorage } from './outbox.js';

interface OutboxDB extends DBSchema {
  reports: { key: string; value: OutboxItem };
}

/**
 * The outbox in the phone's IndexedDB: reports and their photo Blobs survive the app being
 * closed, the phone restarting and days without signal. One database per account, so a phone
 * handed to another worker never sends the last one's reports under the new name.
 */
export function indexedDbStorage(account: string): OutboxStorage {
  let db: Promise<IDBPDatabase<OutboxDB>> | undefined;
  const open = () =>
    (db ??= openDB<OutboxDB>(`city-brain.outbox.${account}`, 1, {
      upgrade(d) {
        d.createObjectStore('reports', { keyPath: 'key' });
      },
    }));
  return {
    async all() {
      return (await open()).getAll('reports');
    },
    async put(item) {
      await (await open()).put('reports', item);
    },
    async delete(key) {
      await (await open()).delete('reports', key);
    },
  };
}
