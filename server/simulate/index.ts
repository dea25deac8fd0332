import type { PatrolPosition, Severity } from '../../shared/index.js';
import type { Clock } from '../live/clock.js';
import { moduleLog } from '../log.js';
import { Agenda } from './agenda.js';
import { nextArrivalDelay, ReportFactory, type GeneratedReport } from './arrivals.js';
import { SimDesk, type Workflow } from './desk.js';
import { DepartmentDirectory } from './handling.js';
import { postReport } from './intake.js';
import { PatrolFleet } from './patrols.js';
import { Places, type SimCity } from './places.js';
import { between, chance, intBetween, seededRandom, type Random } from './random.js';

export interface SimulatorDeps {
  /** The server's own address: reports go in through the public intake API. */
  baseUrl: string;
  ingestKey: string;
  workflow: Workflow;
  hub: { setPatrols(patrols: PatrolPosition[]): void };
  city: SimCity;
  clock: Clock;
  /** 1 is a real centre's day; 60 packs an hour's work into a minute. */
  timeScale: number;
  seed?: number;
  random?: () => number;
  /** The centre's offset from UTC, for the hour-of-day curve (China: +8 h). */
  utcOffsetMinutes?: number;
  /** Where a line about an unexpected failure goes (default the log, throttled). */
  log?: (line: string) => void;
  /** Reports posted right after start so a fresh screen is not empty (real time). */
  warmUp?: { count?: number; windowMs?: number };
}

export interface Simulator {
  stop(): void;
  stats(): SimulatorStats;
}

export interface SimulatorStats {
  posted: number;
  created: number;
  attached: number;
  failed: number;
  skipped: number;
  working: number;
  acted: number;
}

const simLog = moduleLog('simulator');
const TICK_MS = 200;
const PATROL_TICK_MS = 2_000;
/** Reports in flight at once; beyond it an arrival is skipped rather than queued forever. */
const MAX_IN_FLIGHT = 32;
/** Arrivals this late (the process was paused) are skipped rather than posted in a burst. */
const MAX_LATENESS_MS = 60_000;
/** Share of events that someone else reports again a minute later (shows deduplication). */
const FOLLOW_UP_SHARE = 0.08;

/**
 * The demo city's day: reports arriving on a day-and-night curve through the public intake
 * API, a simulated desk and departments working them through the workflow, patrols walking
 * and driving their beats. Switched on by config; production runs without it.
 */
export function startSimulator(deps: SimulatorDeps): Simulator {
  const timeScale = deps.timeScale > 0 ? deps.timeScale : 1;
  const rng: Random =
    deps.random ?? (deps.seed !== undefined ? seededRandom(deps.seed) : Math.random);
  const { clock } = deps;
  const offset = deps.utcOffsetMinutes ?? 480;
  const log = throttled(deps.log ?? ((line) => simLog.warn(line)), clock);
  const agenda = new Agenda();
  const places = new Places(deps.city);
  const fleet = new PatrolFleet(deps.city.patrols, rng);
  const runId = `${clock().getTime().toString(36)}${Math.floor(rng() * 36 ** 3).toString(36)}`;
  const factory = new ReportFactory(places, deps.city, rng, {
    runId,
    utcOffsetMinutes: offset,
    patrols: () => fleet.positions(),
  });
  const desk = new SimDesk({
    workflow: deps.workflow,
    agenda,
    clock,
    rng,
    timeScale,
    directory: new DepartmentDirectory(deps.city.departments),
    log,
  });
  const stats = { posted: 0, created: 0, attached: 0, failed: 0, skipped: 0 };
  let inFlight = 0;
  let stopped = false;

  /** A new incident from the simulator's own report: the desk works it, a patrol may go. */
  const adopt = (generated: GeneratedReport, incidentId: string) => {
    const { input } = generated;
    desk.take(
      incidentId,
      {
        category: input.category,
        severity: (input.severity ?? 'medium') as Severity,
        groupRisk: input.groupRisk ?? false,
      },
      generated.template.departments,
    );
    const needsPatrol =
      ['public-order', 'emergency', 'video-alarm'].includes(input.category) ||
      input.severity === 'high' ||
      input.severity === 'critical';
    if (needsPatrol && chance(rng, 0.6)) fleet.respond([input.location.lng, input.location.lat]);
  };

  const post = (generated: GeneratedReport) => {
    if (inFlight >= MAX_IN_FLIGHT) {
      stats.skipped++;
      return;
    }
    inFlight++;
    stats.posted++;
    void postReport(deps.baseUrl, deps.ingestKey, generated.input).then((answer) => {
      inFlight--;
      if (stopped) return;
      if (!answer.ok) {
        stats.failed++;
        log(`simulator: report refused (${answer.status}): ${answer.error}`);
        return;
      }
      if (answer.result === 'created') {
        stats.created++;
        adopt(generated, answer.incidentId);
      } else if (answer.result === 'attached') {
        stats.attached++;
        desk.attached(answer.incidentId);
      }
    });
  };

  /** One event in the city: its report, maybe a second one, maybe a patrol heading there. */
  const happen = (at: Date) => {
    const generated = factory.next(at);
    post(generated);
    if (chance(rng, FOLLOW_UP_SHARE)) {
      const later = at.getTime() + (between(rng, 40, 90) * 1000) / timeScale;
      agenda.at(later, () => post(factory.followUp(generated, new Date(later))));
    }
  };

  const scheduleArrival = (from: number) => {
    const at = from + nextArrivalDelay(new Date(from), rng, timeScale, offset);
    agenda.at(at, () => {
      const now = clock().getTime();
      if (now - at > MAX_LATENESS_MS) {
        stats.skipped++;
        scheduleArrival(now);
        return;
      }
      happen(new Date(at));
      scheduleArrival(at);
    });
  };

  const start = clock().getTime();
  const warmCount = deps.warmUp?.count ?? intBetween(rng, 20, 40);
  const warmWindow = deps.warmUp?.windowMs ?? 30_000;
  for (let i = 0; i < warmCount; i++) {
    // Front-loaded: the first few land at once, the rest spread over the window.
    const at = start + warmWindow * rng() ** 1.5;
    agenda.at(at, () => happen(new Date(clock().getTime())));
  }
  scheduleArrival(start);

  const tick = setInterval(() => {
    agenda.runDue(clock().getTime(), (err) => log(`simulator: ${(err as Error).message}`));
  }, TICK_MS);
  tick.unref();

  let lastPatrolAt = start;
  let simNow = start;
  const movePatrols = () => {
    const now = clock().getTime();
    const dt = Math.max(0, now - lastPatrolAt) * timeScale;
    lastPatrolAt = now;
    simNow += dt;
    fleet.advance(dt, simNow);
    deps.hub.setPatrols(fleet.positions());
  };
  deps.hub.setPatrols(fleet.positions());
  const patrolTick = setInterval(movePatrols, PATROL_TICK_MS);
  patrolTick.unref();

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(tick);
      clearInterval(patrolTick);
      agenda.clear();
      desk.stop();
    },
    stats: () => ({
      ...stats,
      working: desk.caseCount,
      acted: desk.stats.acted,
    }),
  };
}

/** At most one line per half minute, saying how many were held back. */
function throttled(write: (line: string) => void, clock: Clock): (line: string) => void {
  let last = -Infinity;
  let held = 0;
  return (line) => {
    const now = clock().getTime();
    if (now - last < 30_000) {
      held++;
      return;
    }
    last = now;
    write(held ? `${line} (and ${held} more since)` : line);
    held = 0;
  };
}
