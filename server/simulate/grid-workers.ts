import {
  bearingDegrees,
  destination,
  distanceMetres,
  type Actor,
  type Category,
  type GridWorker,
  type IntakeOutcome,
  type LngLat,
} from '../../shared/index.js';
import type { FieldReportParsed } from '../field/reports.js';
import type { Clock } from '../live/clock.js';
import type { Agenda } from './agenda.js';
import type { GeneratedReport } from './arrivals.js';
import { gridWorkerActor } from './handling.js';
import type { IntakeAnswer } from './intake.js';
import type { Places } from './places.js';
import { between, chance, normal, pick, type Random } from './random.js';

/**
 * What the simulator's grid workers use of the server: the same calls the phones' routes make
 * (POST /api/v1/field/reports and /field/position), below the HTTP schema, since a simulated
 * phone has no camera to take the photo the schema asks of a matter settled on the spot.
 */
export interface FieldService {
  report(actor: Actor & { role: 'grid' }, report: FieldReportParsed): Promise<IntakeOutcome>;
  moveWorker(id: string, position: LngLat, at: string, accuracy?: number): void;
  /** 下班: off the map at once rather than after the phone has been silent a while. */
  offDuty?(id: string): void;
}

/** The share of a grid worker's small matters settled on the spot (小事一格处理). */
const SELF_HANDLED_SHARE = 0.3;

/** What a grid worker writes when settling it on the spot, by category. */
const SELF_HANDLED: Partial<Record<Category, readonly string[]>> = {
  'city-management': [
    '已现场劝导摊主撤离，占道物品已清理',
    '已联系物业清运堆放杂物，现场恢复整洁',
    '已现场劝导车主挪车，通道已恢复畅通',
  ],
  'safety-hazard': [
    '已现场督促整改，楼道杂物已清理',
    '已设置警示标志并通知物业当日修复',
    '已督促商户规范用电，私拉电线已拆除',
  ],
  'citizen-request': ['已现场为居民解答政策，居民表示认可', '已帮助居民联系社区办理，事项已解决'],
  dispute: [
    '经网格员现场劝解，双方已达成谅解',
    '已组织双方现场沟通，矛盾已化解',
    '已上门调解，双方同意各退一步',
  ],
};

export type PhoneAnswer =
  | { ok: true; result: IntakeOutcome['result']; incidentId: string }
  | Extract<IntakeAnswer, { ok: false }>;

/**
 * The grid workers' phones: a report whose source is a grid worker goes in under that worker's
 * own name, as their phone sends it, and small matters are settled on the spot.
 */
export class GridWorkerPhones {
  private readonly workers: Map<string, GridWorker>;

  constructor(
    private readonly places: Places,
    workers: readonly GridWorker[],
    private readonly field: FieldService,
    private readonly rng: Random,
  ) {
    this.workers = new Map(workers.map((w) => [w.id, w]));
  }

  /** The worker of the report's grid, when a grid worker reported it and the grid has one. */
  reporterOf(generated: GeneratedReport): GridWorker | undefined {
    if (generated.input.source !== 'grid-worker') return undefined;
    const id = this.places.byId.get(generated.gridId)?.gridWorkerId;
    return id ? this.workers.get(id) : undefined;
  }

  /** A small matter the worker settles then and there rather than report for the loop. */
  settlesOnSpot(generated: GeneratedReport): boolean {
    const { input } = generated;
    return (
      this.reporterOf(generated) !== undefined &&
      (input.severity === 'low' || input.severity === 'medium') &&
      !input.groupRisk &&
      SELF_HANDLED[input.category] !== undefined &&
      chance(this.rng, SELF_HANDLED_SHARE)
    );
  }

  /** Sends the report from the worker's phone. Never throws. */
  async report(
    worker: GridWorker,
    generated: GeneratedReport,
    selfHandled: boolean,
  ): Promise<PhoneAnswer> {
    const { input } = generated;
    const comments = SELF_HANDLED[input.category];
    const report: FieldReportParsed = {
      externalId: input.externalId,
      category: input.category,
      ...(input.severity ? { severity: input.severity } : {}),
      ...(input.groupRisk !== undefined ? { groupRisk: input.groupRisk } : {}),
      title: input.title,
      description: input.description ?? '',
      location: { lng: input.location.lng, lat: input.location.lat },
      time: input.time,
      photos: [],
      ...(selfHandled && comments
        ? { selfHandled: { comment: pick(this.rng, comments), photos: [] } }
        : {}),
    };
    try {
      const outcome = await this.field.report(gridWorkerActor(worker), report);
      return { ok: true, result: outcome.result, incidentId: outcome.incidentId };
    } catch (err) {
      const status = (err as { status?: number }).status ?? 0;
      return { ok: false, status, error: (err as Error).message ?? String(err) };
    }
  }
}

export interface OnDutyOptions {
  /** How many of the city's grid workers are out in the day. */
  count?: number;
  utcOffsetMinutes?: number;
  timeScale?: number;
  /** How often a phone on duty sends where it is (real time). */
  intervalMs?: number;
}

interface Walker {
  worker: GridWorker;
  /** The grid's service station, where a shift starts and around which the worker walks. */
  home: LngLat;
  position: LngLat;
  heading: number;
  /** Metres per second while walking. */
  speed: number;
  /** The shift, in local minutes of the day. */
  shift: [number, number];
  on: boolean;
  lastMs: number;
}

/** How far from the station a worker's round goes, and where it starts turning back. */
export const ROUND_RADIUS_M = 300;
const TURN_BACK_M = 220;
/** The most one fix moves a worker, so a compressed day still looks like a walk. */
const MAX_STEP_M = 120;
/** Chance a fix finds the worker standing (in a household, talking to a shopkeeper). */
const STANDING = 0.35;
const DAY_START = 7 * 60;
const DAY_END = 19 * 60;
const MINUTES_PER_DAY = 1_440;

/**
 * Grid workers on duty (在岗): about forty of the city's grid workers walk slow rounds near their
 * grid's service station from 07:00 to 19:00 local time, each phone sending a position every
 * 30 s through the same call the phones' position route makes, so the desk's map shows them.
 */
export class GridWorkersOnDuty {
  readonly walkers: Walker[];
  private readonly offset: number;
  private readonly timeScale: number;
  private readonly intervalMs: number;

  constructor(
    workers: readonly GridWorker[],
    private readonly rng: Random,
    options: OnDutyOptions = {},
  ) {
    this.offset = options.utcOffsetMinutes ?? 480;
    this.timeScale = options.timeScale && options.timeScale > 0 ? options.timeScale : 1;
    this.intervalMs = options.intervalMs ?? 30_000;
    const chosen = [...workers];
    // A seeded shuffle: the same forty for the same seed.
    for (let i = chosen.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [chosen[i], chosen[j]] = [chosen[j]!, chosen[i]!];
    }
    this.walkers = chosen.slice(0, options.count ?? 40).map((worker) => ({
      worker,
      home: worker.position,
      position: worker.position,
      heading: rng() * 360,
      speed: between(rng, 0.6, 1.1),
      // Not all at the stroke of the hour: a shift starts and ends within half an hour of it.
      shift: [DAY_START + rng() * 30, DAY_END - rng() * 30],
      on: false,
      lastMs: 0,
    }));
  }

  /** Whether a walker's shift covers `nowMs`, by the centre's local time. */
  onShift(walker: Walker, nowMs: number): boolean {
    const local =
      (((nowMs / 60_000 + this.offset) % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    return local >= walker.shift[0] && local < walker.shift[1];
  }

  /**
   * One phone's turn: where the worker is now if on duty ('on'), 'off' once as the shift ends,
   * undefined while off duty.
   */
  fix(
    walker: Walker,
    nowMs: number,
  ): { kind: 'on'; position: LngLat; accuracy: number } | { kind: 'off' } | undefined {
    if (!this.onShift(walker, nowMs)) {
      if (!walker.on) return undefined;
      walker.on = false;
      return { kind: 'off' };
    }
    if (!walker.on) {
      walker.on = true;
      walker.position = walker.home;
    } else {
      this.walk(walker, Math.max(0, nowMs - walker.lastMs) * this.timeScale);
    }
    walker.lastMs = nowMs;
    return {
      kind: 'on',
      position: walker.position,
      accuracy: Math.round(between(this.rng, 5, 25)),
    };
  }

  /** Every walker's phone on the agenda, each at its own moment in the interval. */
  start(agenda: Agenda, clock: Clock, field: FieldService): void {
    const now = clock().getTime();
    for (const walker of this.walkers) {
      const send = () => {
        const t = clock().getTime();
        const fix = this.fix(walker, t);
        if (fix?.kind === 'on')
          field.moveWorker(walker.worker.id, fix.position, new Date(t).toISOString(), fix.accuracy);
        else if (fix?.kind === 'off') field.offDuty?.(walker.worker.id);
      };
      const beat = (at: number) => {
        send();
        // Kept to its beat, and after a pause on again without a burst to catch up.
        const next = Math.max(at + this.intervalMs, clock().getTime());
        agenda.at(next, () => beat(next));
      };
      // The first fix at once, so a fresh screen shows the workers out on their rounds; then
      // each phone at its own moment in the interval, not all forty together.
      agenda.at(now, send);
      const first = now + this.rng() * this.intervalMs;
      agenda.at(first, () => beat(first));
    }
  }

  /** Everyone off the map: the simulator stops. */
  leave(field: FieldService): void {
    for (const walker of this.walkers) {
      if (!walker.on) continue;
      walker.on = false;
      field.offDuty?.(walker.worker.id);
    }
  }

  /** A slow, wandering walk that stays within the round's radius of the station. */
  private walk(walker: Walker, simMs: number): void {
    const rng = this.rng;
    if (!(simMs > 0) || chance(rng, STANDING)) return;
    const fromHome = distanceMetres(walker.home, walker.position);
    walker.heading =
      fromHome > TURN_BACK_M
        ? bearingDegrees(walker.position, walker.home) + normal(rng) * 30
        : walker.heading + normal(rng) * 45;
    walker.heading = ((walker.heading % 360) + 360) % 360;
    const metres = Math.min(MAX_STEP_M, (walker.speed * simMs) / 1000);
    let next = destination(walker.position, walker.heading, metres);
    const out = distanceMetres(walker.home, next);
    if (out > ROUND_RADIUS_M)
      next = destination(walker.home, bearingDegrees(walker.home, next), ROUND_RADIUS_M);
    walker.position = next;
  }
}
