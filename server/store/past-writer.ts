import type Database from 'better-sqlite3';
import { Rollups } from '../stats/rollups.js';
import type { Report } from '../../shared/index.js';
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
  // Only the inserts run inside the transaction: documents and contributions are made before
  // it, so a second writer on the same file (the other part of the demo's past) waits less.
  const write = db.transaction(
    (incidents: Record<string, unknown>[], reports: unknown[][], counters: [string, number][]) => {
      for (const row of incidents) insertIncident.run(row);
      rollups.flush();
      for (const row of reports) insertReport.run(...row);
      for (const [name, value] of counters) raiseCounter.run(name, value);
    },
  );
  return (records) => {
    try {
      const incidents = records.incidents.map((incident) => ({
        ...incident,
        dueAt: incident.deadline?.dueAt ?? null,
        doc: JSON.stringify(incident),
        stat: rollups.record(incident, false),
      }));
      const reports = records.reports.map(reportValues);
      write(incidents, reports, Object.entries(records.counters ?? {}));
    } catch (err) {
      rollups.discard();
      throw err;
    }
  };
}

/** A report's row of the reports table, in its columns' order. */
export function reportValues(r: Report): unknown[] {
  return [
    r.id,
    r.integration ?? '',
    r.source,
    r.externalId,
    r.incidentId,
    r.receivedAt,
    JSON.stringify(r),
  ];
}
