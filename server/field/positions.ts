import type {
  LngLat,
  Patrol,
  PatrolPosition,
  PatrolStatus,
  WorkerPosition,
} from '../../shared/index.js';
import type { TrailPoint } from '../../shared/api/field.js';
import type { Clock } from '../live/clock.js';

/** A grid worker whose phone has been silent this long is no longer shown on duty. */
const ON_DUTY_SILENCE_MS = 10 * 60_000;
/** How far back a trail reaches, and at most how many points it keeps. */
const TRAIL_MS = 4 * 3_600_000;
const TRAIL_POINTS = 600;
/** Positions go to the screens at most this often, however many phones send at once. */
const PUSH_MS = 1_000;
const SILENCE_CHECK_MS = 60_000;

export interface PositionSink {
  setPatrols(patrols: PatrolPosition[]): void;
  setWorkers(workers: WorkerPosition[]): void;
}

/**
 * Where the field force is: patrol teams (from a tracking system or the simulator, through the
 * same API) and grid workers on duty (their phones). Kept in memory with a few hours of trail:
 * positions are momentary, and the screens need the last one.
 */
export class FieldPositions {
  private readonly patrols = new Map<string, PatrolPosition>();
  private readonly workers = new Map<string, WorkerPosition>();
  private readonly trails = new Map<string, TrailPoint[]>();
  private timer: NodeJS.Timeout | undefined;
  private dirty = { patrols: false, workers: false };
  /** Looks for phones gone silent: they leave the screens without sending anything. */
  private readonly silence: NodeJS.Timeout;
  private shownWorkers = 0;

  constructor(
    patrols: readonly Patrol[],
    private readonly gridWorkers: ReadonlySet<string>,
    private readonly sink: PositionSink,
    private readonly clock: Clock,
  ) {
    this.silence = setInterval(() => {
      if (this.onDuty().length === this.shownWorkers) return;
      this.dirty.workers = true;
      this.schedule();
    }, SILENCE_CHECK_MS);
    this.silence.unref();
    for (const p of patrols)
      this.patrols.set(p.id, {
        id: p.id,
        position: p.position,
        heading: p.heading,
        status: p.status,
      });
  }

  hasPatrol(id: string): boolean {
    return this.patrols.has(id);
  }

  patrolPositions(): PatrolPosition[] {
    return [...this.patrols.values()];
  }

  /** Grid workers heard from lately: on duty. */
  onDuty(): WorkerPosition[] {
    const since = this.clock().getTime() - ON_DUTY_SILENCE_MS;
    return [...this.workers.values()].filter((w) => Date.parse(w.at) >= since);
  }

  /** Patrol positions; unknown ids are returned, not taken. */
  movePatrols(
    updates: readonly {
      id: string;
      position: LngLat;
      heading?: number;
      status?: PatrolStatus;
    }[],
  ): string[] {
    const unknown: string[] = [];
    const at = this.clock().toISOString();
    for (const u of updates) {
      const was = this.patrols.get(u.id);
      if (!was) {
        unknown.push(u.id);
        continue;
      }
      this.patrols.set(u.id, {
        id: u.id,
        position: u.position,
        heading: u.heading ?? was.heading,
        status: u.status ?? was.status,
      });
      this.trail(`patrol:${u.id}`, { position: u.position, at });
    }
    this.dirty.patrols = true;
    this.schedule();
    return unknown;
  }

  /** A grid worker's phone reports where it is: on duty from now on. */
  moveWorker(id: string, position: LngLat, at: string, accuracy?: number): void {
    if (!this.gridWorkers.has(id)) return;
    this.workers.set(id, { id, position, at, ...(accuracy === undefined ? {} : { accuracy }) });
    this.trail(`grid:${id}`, { position, at });
    this.dirty.workers = true;
    this.schedule();
  }

  /** The worker went off duty (下班): off the map at once. */
  offDuty(id: string): void {
    if (!this.workers.delete(id)) return;
    this.dirty.workers = true;
    this.schedule();
  }

  /** A grid worker's (`grid:<id>`) or a patrol's (`patrol:<id>`) trail, oldest first. */
  trailOf(key: string): TrailPoint[] {
    return this.prune(this.trails.get(key) ?? []);
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.silence);
  }

  private trail(key: string, point: TrailPoint): void {
    const points = this.trails.get(key) ?? [];
    points.push(point);
    this.trails.set(key, this.prune(points));
  }

  private prune(points: TrailPoint[]): TrailPoint[] {
    const since = new Date(this.clock().getTime() - TRAIL_MS).toISOString();
    let first = 0;
    while (first < points.length && points[first]!.at < since) first++;
    if (points.length - first > TRAIL_POINTS) first = points.length - TRAIL_POINTS;
    if (first) points.splice(0, first);
    return points;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.dirty.patrols) this.sink.setPatrols(this.patrolPositions());
      if (this.dirty.workers) {
        const workers = this.onDuty();
        this.shownWorkers = workers.length;
        this.sink.setWorkers(workers);
      }
      this.dirty = { patrols: false, workers: false };
    }, PUSH_MS);
    this.timer.unref();
  }
}
