import Database from 'better-sqlite3';

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
