import type Database from 'better-sqlite3';
import type { CameraStatus, Delta, Incident, Report, Warning } from '../../shared/index.js';
import { sqliteAudit } from '../audit/sqlite-audit.js';
import { MIGRATIONS } from './migrations.js';
import { openDatabase, type StoreOptions } from './open-database.js';
import { pastWriter, reportValues } from './past-writer.js';
import { backfillStatistics, Rollups } from '../stats/rollups.js';
import { sqliteStatsReader } from '../stats/reader.js';
import type { Change, IncidentQuery, Session, Store } from './store.js';
import { SqlWhere } from './sql-where.js';

/** The default store: one SQLite file in WAL mode under the data directory. */
export function openSqliteStore(dataDir: string, options: StoreOptions = {}): Store {
  // The directory's lock, pragmas, integrity check, migrations and checkpoint worker.
  const database = openDatabase(dataDir, {
    synchronous: options.synchronous ?? 'full',
    backupDir: options.backupDir,
    migrate,
  });
  const { db } = database;
  const utcOffsetMinutes = options.utcOffsetMinutes ?? 480;

  const stmt = {
    insertEvent: db.prepare('INSERT INTO events (seq, at, type, payload) VALUES (?, ?, ?, ?)'),
    upsertIncident: db.prepare(`
      INSERT INTO incidents (id, version, state, category, grid_id, community_id, street_id, district_id,
                             reported_at, closed_at, due_at, grid_worker_id, doc, stat)
      VALUES (@id, @version, @state, @category, @gridId, @communityId, @streetId, @districtId,
              @reportedAt, @closedAt, @dueAt, @gridWorkerId, @doc, @stat)
      ON CONFLICT (id) DO UPDATE SET version = excluded.version, state = excluded.state,
        closed_at = excluded.closed_at, due_at = excluded.due_at,
        grid_worker_id = excluded.grid_worker_id, doc = excluded.doc, stat = excluded.stat
      WHERE incidents.version = excluded.version - 1`),
    insertReport: db.prepare(
      'INSERT INTO reports (id, integration, source, external_id, incident_id, received_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    upsertCamera: db.prepare(
      'INSERT INTO camera_status (camera_id, status) VALUES (?, ?) ON CONFLICT (camera_id) DO UPDATE SET status = excluded.status',
    ),
    eventsSince: db.prepare(
      'SELECT seq, at, payload FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    firstSeq: db.prepare('SELECT min(seq) AS seq FROM events'),
    lastSeq: db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM events'),
    incident: db.prepare('SELECT doc FROM incidents WHERE id = ?'),
    live: db.prepare(
      `SELECT doc FROM incidents WHERE state NOT IN ('closed', 'evaluated', 'rejected')
         OR reported_at >= ? OR closed_at >= ? ORDER BY reported_at`,
    ),
    report: db.prepare(
      // Reports stored before intake was keyed by integration ('') still count as duplicates,
      // so a retry across an upgrade makes no second incident.
      `SELECT doc FROM reports WHERE integration IN (?, '') AND source = ? AND external_id = ?
         ORDER BY integration DESC LIMIT 1`,
    ),
    reportsOf: db.prepare(
      'SELECT doc FROM reports WHERE incident_id = ? ORDER BY received_at, id LIMIT ? OFFSET ?',
    ),
    reportCount: db.prepare('SELECT count(*) AS n FROM reports WHERE incident_id = ?'),
    // Still to do for the worker: open, or closed and waiting for its call back (回访); a
    // matter closed in one step (自行处置, 即办) waits for nothing.
    workerTasks: db.prepare(
      `SELECT doc FROM incidents WHERE grid_worker_id = ? AND state NOT IN ('evaluated', 'rejected')
         AND json_extract(doc, '$.resolution') IS NULL
         ORDER BY due_at IS NULL, due_at, reported_at DESC LIMIT ?`,
    ),
    reportedBy: db.prepare(
      `SELECT doc FROM incidents WHERE id IN (
         SELECT incident_id FROM reports WHERE integration = ? AND received_at >= ?)
       ORDER BY reported_at DESC LIMIT ?`,
    ),
    counters: db.prepare('SELECT name, value FROM counters'),
    saveCounter: db.prepare(
      'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    ),
    cameras: db.prepare('SELECT camera_id AS cameraId, status FROM camera_status'),
    upsertWarning: db.prepare(`
      INSERT INTO warnings (id, key, rule, level, state, raised_at, doc)
      VALUES (@id, @key, @rule, @level, @state, @raisedAt, @doc)
      ON CONFLICT (id) DO UPDATE SET level = excluded.level, state = excluded.state,
        doc = excluded.doc`),
    activeWarnings: db.prepare(
      `SELECT doc FROM warnings WHERE state <> 'resolved' ORDER BY raised_at`,
    ),
    warning: db.prepare('SELECT doc FROM warnings WHERE id = ?'),
    byGrid: db.prepare(
      `SELECT grid_id AS gridId, count(*) AS n FROM incidents
         WHERE reported_at >= ? AND reported_at < ? GROUP BY grid_id`,
    ),
    firstReported: db.prepare('SELECT min(reported_at) AS at FROM incidents'),
    putSession: db.prepare(
      'INSERT OR REPLACE INTO sessions (token_hash, username, name, role, expires_at, credential) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    getSession: db.prepare(
      'SELECT username, name, role, expires_at AS expiresAt, credential FROM sessions WHERE token_hash = ?',
    ),
    deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
    deleteSessionsOf: db.prepare('DELETE FROM sessions WHERE username = ? RETURNING token_hash'),
    purgeSessions: db.prepare('DELETE FROM sessions WHERE expires_at < ?'),
  };
  const audit = sqliteAudit(db);

  let lastSeq = (stmt.lastSeq.get() as { seq: number }).seq;
  // Id counters live in memory and are saved with the next commit: handing out an id costs no
  // write of its own, and an id whose commit failed is simply never used.
  const counters = new Map(
    (stmt.counters.all() as { name: string; value: number }[]).map((r) => [r.name, r.value]),
  );
  const dirtyCounters = new Set<string>();

  const rollups = new Rollups(db, utcOffsetMinutes);
  backfillStatistics(db, rollups);
  const commit = db.transaction((change: Change, at: string): Delta[] => {
    for (const incident of change.incidents ?? []) {
      const row = {
        ...incident,
        dueAt: incident.deadline?.dueAt ?? null,
        doc: JSON.stringify(incident),
        // The statistics move in the same transaction: old contribution off, new one on.
        stat: rollups.record(incident, incident.version > 1),
      };
      if (stmt.upsertIncident.run(row).changes !== 1) {
        throw new StaleWriteError(`incident ${incident.id} was changed by someone else`);
      }
    }
    for (const r of change.reports ?? []) stmt.insertReport.run(...reportValues(r));
    for (const c of change.cameraStatuses ?? []) stmt.upsertCamera.run(c.cameraId, c.status);
    for (const w of change.warnings ?? []) {
      const { key, ...warning } = w;
      stmt.upsertWarning.run({ ...w, doc: JSON.stringify({ ...warning, key }) });
    }
    for (const name of dirtyCounters) stmt.saveCounter.run(name, counters.get(name));
    rollups.flush();
    let seq = lastSeq;
    const deltas = change.deltas.map((draft) => {
      seq += 1;
      stmt.insertEvent.run(seq, at, draft.type, JSON.stringify(draft));
      return { ...draft, seq, at } as Delta;
    });
    return deltas;
  });

  const writePast = pastWriter(db, utcOffsetMinutes);

  /** An incident in a region of any level (bound as @region). */
  const IN_REGION =
    'AND (grid_id = @region OR community_id = @region OR street_id = @region OR district_id = @region)';
  const docs = <T>(rows: unknown[]): T[] =>
    rows.map((r) => JSON.parse((r as { doc: string }).doc) as T);

  return {
    statistics: sqliteStatsReader(db),
    lastSeq: () => lastSeq,
    async commit(change, at) {
      let deltas: Delta[];
      try {
        deltas = commit(change, at.toISOString());
      } catch (err) {
        rollups.discard();
        throw err;
      }
      dirtyCounters.clear();
      // Only a transaction that committed moves the sequence on, so a failed one leaves no gap.
      lastSeq = deltas.at(-1)?.seq ?? lastSeq;
      return deltas;
    },
    async importPast(records) {
      writePast(records);
      for (const [name, value] of Object.entries(records.counters ?? {}))
        counters.set(name, Math.max(counters.get(name) ?? 0, value));
    },
    async deltasSince(seq, limit) {
      const first = (stmt.firstSeq.get() as { seq: number | null }).seq;
      if (seq < lastSeq && (first === null || first > seq + 1)) return null;
      return (
        stmt.eventsSince.all(seq, limit) as { seq: number; at: string; payload: string }[]
      ).map((r) => ({ ...(JSON.parse(r.payload) as object), seq: r.seq, at: r.at }) as Delta);
    },
    async getIncident(id) {
      const row = stmt.incident.get(id) as { doc: string } | undefined;
      return row ? (JSON.parse(row.doc) as Incident) : undefined;
    },
    async queryIncidents(q) {
      const { where, params } = incidentFilter(q);
      const total = (
        db.prepare(`SELECT count(*) AS n FROM incidents ${where}`).get(params) as { n: number }
      ).n;
      const rows = db
        .prepare(
          `SELECT doc FROM incidents ${where} ORDER BY reported_at DESC, id DESC LIMIT @limit OFFSET @offset`,
        )
        .all({ ...params, limit: q.limit, offset: q.offset });
      return { total, incidents: docs<Incident>(rows) };
    },
    async liveIncidents(since) {
      return docs<Incident>(stmt.live.all(since, since));
    },
    async findReport(integration, source, externalId) {
      const row = stmt.report.get(integration, source, externalId) as { doc: string } | undefined;
      return row ? (JSON.parse(row.doc) as Report) : undefined;
    },
    async workerTasks(gridWorkerId, limit) {
      return docs<Incident>(stmt.workerTasks.all(gridWorkerId, limit));
    },
    async reportedBy(integration, since, limit) {
      return docs<Incident>(stmt.reportedBy.all(integration, since, limit));
    },
    async reportsOf(incidentId, { limit, offset }) {
      const { n } = stmt.reportCount.get(incidentId) as { n: number };
      return { total: n, reports: docs<Report>(stmt.reportsOf.all(incidentId, limit, offset)) };
    },
    async nextId(counter) {
      const value = (counters.get(counter) ?? 0) + 1;
      counters.set(counter, value);
      dirtyCounters.add(counter);
      return value;
    },
    async cameraStatuses() {
      const rows = stmt.cameras.all() as { cameraId: string; status: CameraStatus }[];
      return new Map(rows.map((r) => [r.cameraId, r.status]));
    },
    async incidentsByGrid(from, to) {
      const rows = stmt.byGrid.all(from, to) as { gridId: string; n: number }[];
      return new Map(rows.map((r) => [r.gridId, r.n]));
    },
    async incidentPoints(from, to, regionId, limit) {
      const region = regionId ? IN_REGION : '';
      const rows = db
        .prepare(
          `SELECT json_extract(doc, '$.location') AS at FROM incidents
             WHERE reported_at >= @from AND reported_at < @to ${region}
             ORDER BY reported_at DESC LIMIT @limit`,
        )
        .all({ from, to, limit, ...(regionId ? { region: regionId } : {}) }) as { at: string }[];
      return rows.map((r) => JSON.parse(r.at) as [number, number]);
    },
    async replayIncidents(from, to, regionId, limit) {
      const region = regionId ? IN_REGION : '';
      // Index lookups rather than one OR over the whole table, which years of past would make a
      // scan: reported in the stretch, closed in it, open still, or rejected in it (a rejection
      // keeps no closing time; it was open until then).
      const rows = db
        .prepare(
          `SELECT doc FROM incidents WHERE id IN (
             SELECT id FROM incidents WHERE reported_at >= @from AND reported_at < @to
             UNION SELECT id FROM incidents WHERE closed_at >= @from AND reported_at < @to
             UNION SELECT id FROM incidents
               WHERE state NOT IN ('closed', 'evaluated', 'rejected') AND reported_at < @to
             UNION SELECT id FROM incidents WHERE state = 'rejected' AND reported_at < @from
               AND json_extract(doc, '$.updatedAt') >= @from
           ) ${region} ORDER BY reported_at, id LIMIT @limit`,
        )
        .all({ from, to, limit, ...(regionId ? { region: regionId } : {}) });
      return docs<Incident>(rows);
    },
    async replayWarnings(from, to) {
      const rows = db
        .prepare(
          `SELECT doc FROM warnings WHERE raised_at < @to
             AND (state != 'resolved' OR json_extract(doc, '$.resolved.at') >= @from)
             ORDER BY raised_at, id`,
        )
        .all({ from, to });
      return docs<Warning & { key?: string }>(rows).map(({ key: _key, ...w }) => w);
    },
    async firstReportedAt() {
      return (stmt.firstReported.get() as { at: string | null }).at ?? undefined;
    },
    async activeWarnings() {
      return docs<Warning & { key: string }>(stmt.activeWarnings.all());
    },
    async getWarning(id) {
      const row = stmt.warning.get(id) as { doc: string } | undefined;
      return row ? (JSON.parse(row.doc) as Warning & { key: string }) : undefined;
    },
    async queryWarnings({ states, limit, offset }) {
      const marks = states.map(() => '?').join(', ');
      const { n } = db
        .prepare(`SELECT count(*) AS n FROM warnings WHERE state IN (${marks})`)
        .get(...states) as { n: number };
      const rows = db
        .prepare(
          `SELECT doc FROM warnings WHERE state IN (${marks}) ORDER BY raised_at DESC, id DESC LIMIT ? OFFSET ?`,
        )
        .all(...states, limit, offset);
      const warnings = docs<Warning & { key?: string }>(rows).map(({ key: _key, ...w }) => w);
      return { total: n, warnings };
    },
    async putSession(tokenHash, s) {
      stmt.purgeSessions.run(Date.now());
      stmt.putSession.run(tokenHash, s.username, s.name, s.role, s.expiresAt, s.credential);
    },
    async getSession(tokenHash) {
      return stmt.getSession.get(tokenHash) as Session | undefined;
    },
    async deleteSession(tokenHash) {
      stmt.deleteSession.run(tokenHash);
    },
    async deleteSessionsOf(username) {
      return (stmt.deleteSessionsOf.all(username) as { token_hash: string }[]).map(
        (r) => r.token_hash,
      );
    },
    async appendAudit(entries) {
      audit.append(entries);
    },
    async queryAudit(query) {
      return audit.query(query);
    },
    async pruneAudit(before) {
      return audit.prune(before);
    },
    async close() {
      await database.close();
    },
  };
}

/** A write against a version that is no longer current: the caller answers 409. */
export class StaleWriteError extends Error {}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
      (r) => r.version,
    ),
  );
  MIGRATIONS.forEach((sql, i) => {
    const version = i + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
        version,
        new Date().toISOString(),
      );
    })();
  });
}

function incidentFilter(q: IncidentQuery): { where: string; params: Record<string, unknown> } {
  const where = new SqlWhere()
    .oneOf('state', 'state', q.states)
    .oneOf('category', 'category', q.categories)
    .compare('from', 'reported_at', '>=', q.from || undefined)
    .compare('to', 'reported_at', '<', q.to || undefined);
  if (q.regionId)
    where.raw(
      '(grid_id = @region OR community_id = @region OR street_id = @region OR district_id = @region)',
      { region: q.regionId },
    );
  if (q.dueBefore)
    where.raw('due_at IS NOT NULL AND due_at <= @dueBefore', { dueBefore: q.dueBefore });
  return { where: where.sql, params: where.params };
}
