import type Database from 'better-sqlite3';
import { Rollups } from '../stats/rollups.js';
import type { PastRecords } from './store.js';

/**
 * Writes past records (incidents, their reports, id counters) in one transaction, without
 * events. The store uses it, and so may a second connection to the same file that makes the
 * past on another thread (the demo's history).
 */
export function pastWriter(
  db: Database.Database,
  utcOffsetMinutes: number,
): (records: PastRecords) => void {
  const insertIncident = db.prepare(`
    INSERT INTO incidents (id, version, state, category, grid_id, community_id, street_id, district_id,
                           reported_at, closed_at, due_at, grid_worker_id, doc, stat)
    VALUES (@id, @version, @state, @category, @gridId, @communityId, @streetId, @districtId,
            @reportedAt, @closedAt, @dueAt, @gridWorkerId, @doc, @stat)`);
  const rollups = new Rollups(db, utcOffsetMinutes);
  const insertReport = db.prepare(
    'INSERT INTO reports (id, integration, source, external_id, incident_id, received_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  // A counter only ever moves on, whoever writes it.
  const raiseCounter = db.prepare(
    `INSERT INTO counters (name, value) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`,
  );
  const write = db.transaction((records: PastRecords) => {
    for (const incident of records.incidents)
      insertIncident.run({
        ...incident,
        dueAt: incident.deadline?.dueAt ?? null,
        doc: JSON.stringify(incident),
        stat: rollups.record(incident, false),
      });
    rollups.flush();
    for (const r of records.reports)
      insertReport.run(
        r.id,
        r.integration ?? '',
        r.source,
        r.externalId,
        r.incidentId,
        r.receivedAt,
        JSON.stringify(r),
      );
    for (const [name, value] of Object.entries(records.counters ?? {}))
      raiseCounter.run(name, value);
  });
  return (records) => {
    try {
      write(records);
    } catch (err) {
      rollups.discard();
      throw err;
    }
  };
}
