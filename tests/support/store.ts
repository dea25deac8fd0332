import Database from 'better-sqlite3';
import type { Incident } from '../../shared/index.js';
import { levelRules, loadConfig } from '../../server/config.js';
import { Scopes } from '../../server/levels/scopes.js';
import { makeHistory } from '../../server/simulate/history/make-history.js';
import { openSqliteStore } from '../../server/store/sqlite-store.js';
import { demoCity } from './server.js';

/**
 * Appends `count` padded events straight into a store's file (closed by the server or not yet
 * opened by one): pages to copy for backups, pages to damage for the start-up check.
 */
export function fillEvents(file: string, count: number): void {
  const db = new Database(file);
  const insert = db.prepare('INSERT INTO events (seq, at, type, payload) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let seq = 1; seq <= count; seq++)
      insert.run(seq, new Date().toISOString(), 'test', JSON.stringify({ pad: 'x'.repeat(300) }));
  })();
  db.close();
}

/**
 * Days of the demo's past before `end`, made by the simulator and imported into a fresh store
 * in `dataDir` (closed again); answers the incidents as written, for a test to count from.
 */
export async function importDemoPast(
  dataDir: string,
  options: { end: Date; days: number; seed: number },
): Promise<Incident[]> {
  const city = demoCity();
  const store = openSqliteStore(dataDir, { synchronous: 'normal' });
  const incidents: Incident[] = [];
  try {
    await makeHistory({
      city,
      scopes: new Scopes(city, levelRules(loadConfig({}).levels)),
      from: new Date(options.end.getTime() - options.days * 86_400_000),
      end: options.end,
      seed: options.seed,
      utcOffsetMinutes: 480,
      write: async (records) => {
        incidents.push(...records.incidents);
        await store.importPast(records);
      },
    });
  } finally {
    await store.close();
  }
  return incidents;
}
