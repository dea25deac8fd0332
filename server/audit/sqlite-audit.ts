import type Database from 'better-sqlite3';
import type { Actor } from '../../shared/index.js';
import type { AuditAction, AuditEntry, AuditQuery, AuditRecord } from './audit.js';
import { SqlWhere } from '../store/sql-where.js';

interface AuditRow {
  id: number;
  at: string;
  action: string;
  actor: string | null;
  actor_role: string | null;
  address: string | null;
  target: string | null;
  camera_id: string | null;
  incident_id: string | null;
  outcome: string;
  detail: string | null;
}

/**
 * The audit table (migration 2) for the SQLite store: kept here, beside the trail, so the store
 * only delegates. Nothing updates a row; only pruning by age deletes.
 */
export function sqliteAudit(db: Database.Database) {
  const insert = db.prepare(`
    INSERT INTO audit (at, action, actor, actor_role, address, target, camera_id, incident_id,
                       outcome, detail)
    VALUES (@at, @action, @actor, @actorRole, @address, @target, @cameraId, @incidentId,
            @outcome, @detail)`);
  const prune = db.prepare('DELETE FROM audit WHERE at < ?');
  const append = db.transaction((entries: readonly (AuditEntry & { at: string })[]) => {
    for (const e of entries) {
      insert.run({
        at: e.at,
        action: e.action,
        actor: e.actor ?? null,
        actorRole: e.actorRole ?? null,
        address: e.address ?? null,
        target: e.target ?? null,
        cameraId: e.cameraId ?? null,
        incidentId: e.incidentId ?? null,
        outcome: e.outcome ?? 'ok',
        detail: e.detail && Object.keys(e.detail).length ? JSON.stringify(e.detail) : null,
      });
    }
  });

  return {
    append(entries: readonly (AuditEntry & { at: string })[]): void {
      if (entries.length) append(entries);
    },
    query(q: AuditQuery): { total: number; entries: AuditRecord[] } {
      const { where, params } = auditFilter(q);
      const total = (
        db.prepare(`SELECT count(*) AS n FROM audit ${where}`).get(params) as { n: number }
      ).n;
      const rows = db
        .prepare(
          `SELECT * FROM audit ${where} ORDER BY at DESC, id DESC LIMIT @limit OFFSET @offset`,
        )
        .all({ ...params, limit: q.limit, offset: q.offset }) as AuditRow[];
      return { total, entries: rows.map(toRecord) };
    },
    prune(before: string): number {
      return prune.run(before).changes;
    },
  };
}

function auditFilter(q: AuditQuery): { where: string; params: Record<string, unknown> } {
  const where = new SqlWhere()
    .compare('actor', 'actor', '=', q.actor)
    .compare('camera', 'camera_id', '=', q.cameraId)
    .compare('incident', 'incident_id', '=', q.incidentId)
    .oneOf('action', 'action', q.actions)
    .compare('from', 'at', '>=', q.from)
    .compare('to', 'at', '<', q.to);
  return { where: where.sql, params: where.params };
}

function toRecord(r: AuditRow): AuditRecord {
  return {
    id: r.id,
    at: r.at,
    action: r.action as AuditAction,
    ...(r.actor === null ? {} : { actor: r.actor }),
    ...(r.actor_role === null ? {} : { actorRole: r.actor_role as Actor['role'] }),
    ...(r.address === null ? {} : { address: r.address }),
    ...(r.target === null ? {} : { target: r.target }),
    ...(r.camera_id === null ? {} : { cameraId: r.camera_id }),
    ...(r.incident_id === null ? {} : { incidentId: r.incident_id }),
    outcome: r.outcome === 'refused' ? 'refused' : 'ok',
    ...(r.detail === null ? {} : { detail: JSON.parse(r.detail) as Record<string, unknown> }),
  };
}
