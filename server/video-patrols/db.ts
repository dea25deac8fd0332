import Database from 'better-sqlite3';
import type { TourPlan, VideoPatrol } from '../../shared/domain/video-patrols.js';
import { BUSY_TIMEOUT_MS } from '../store/open-database.js';

/** A plan as stored: everything but its resolved cameras, which depend on who reads. */
export type StoredPlan = Omit<TourPlan, 'cameraIds'>;
/** A patrol as stored, with the sub-centre it was run for (to list it to that area only). */
export interface StoredPatrol extends VideoPatrol {
  regionId?: string;
  /** A wall's run taken up again after a reload: the cameras it had shown before. */
  shownBefore?: string[];
}

/**
 * The tour plans and the patrol log (their migration), on a connection of their own to the store's
 * SQLite file, as the webhooks do: the Store interface is the event log's. Every write is one
 * statement, so a record is whole or absent, never half-written.
 */
export class VideoPatrolDb {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(file: string, synchronous: 'full' | 'normal') {
    this.db = new Database(file, { timeout: BUSY_TIMEOUT_MS, fileMustExist: true });
    this.db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    const db = this.db;
    this.stmt = {
      plans: db.prepare('SELECT doc FROM tour_plans ORDER BY id'),
      plan: db.prepare('SELECT doc FROM tour_plans WHERE id = ?'),
      putPlan: db.prepare(`
        INSERT INTO tour_plans (id, region_id, version, doc) VALUES (@id, @regionId, @version, @doc)
        ON CONFLICT (id) DO UPDATE SET region_id = @regionId, version = @version, doc = @doc`),
      deletePlan: db.prepare('DELETE FROM tour_plans WHERE id = ?'),
      patrol: db.prepare('SELECT doc FROM video_patrols WHERE id = ?'),
      putPatrol: db.prepare(`
        INSERT INTO video_patrols (id, day, started_at, region_id, doc)
        VALUES (@id, @day, @startedAt, @regionId, @doc)
        ON CONFLICT (id) DO UPDATE SET doc = @doc`),
      day: db.prepare('SELECT doc FROM video_patrols WHERE day = ? ORDER BY started_at, id'),
    };
  }

  plans(): StoredPlan[] {
    return (this.stmt.plans.all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as StoredPlan);
  }

  plan(id: string): StoredPlan | undefined {
    const row = this.stmt.plan.get(id) as { doc: string } | undefined;
    return row && (JSON.parse(row.doc) as StoredPlan);
  }

  putPlan(plan: StoredPlan): void {
    this.stmt.putPlan.run({
      id: plan.id,
      regionId: plan.regionId ?? null,
      version: plan.version,
      doc: JSON.stringify(plan),
    });
  }

  deletePlan(id: string): boolean {
    return this.stmt.deletePlan.run(id).changes > 0;
  }

  patrol(id: string): StoredPatrol | undefined {
    const row = this.stmt.patrol.get(id) as { doc: string } | undefined;
    return row && (JSON.parse(row.doc) as StoredPatrol);
  }

  /** Writes a patrol; `day` is the centre's day it started on. */
  putPatrol(patrol: StoredPatrol, day: string): void {
    this.stmt.putPatrol.run({
      id: patrol.id,
      day,
      startedAt: patrol.startedAt,
      regionId: patrol.regionId ?? null,
      doc: JSON.stringify(patrol),
    });
  }

  /** The patrols started on a centre day, in the order they started. */
  day(day: string): StoredPatrol[] {
    return (this.stmt.day.all(day) as { doc: string }[]).map(
      (r) => JSON.parse(r.doc) as StoredPatrol,
    );
  }

  close(): void {
    this.db.close();
  }
}
