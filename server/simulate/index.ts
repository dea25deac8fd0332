import { SimReception, type ReceptionIntake } from './reception.js';
import type { Incident } from '../../shared/index.js';
import type { Clock } from '../live/clock.js';
import { moduleLog } from '../log.js';
import { Agenda } from './agenda.js';
import { nextArrivalDelay, ReportFactory, type GeneratedReport } from './arrivals.js';
import { factsOf, needsPatrol, SimDesk, type Workflow } from './desk.js';
import { startWarningDesk, type Warnings } from './warning-desk.js';
import { GridWorkerPhones, GridWorkersOnDuty, type FieldService } from './grid-workers.js';
import { DepartmentDirectory } from './handling.js';
import { postPatrolPositions, postReport } from './intake.js';
import { PatrolFleet } from './patrols.js';
import { Places, type SimCity } from './places.js';
import { between, chance, intBetween, seededRandom, type Random } from './random.js';

export interface SimulatorDeps {
  /** The server's own address: reports and patrol positions go in through the public API. */
  baseUrl: string;
  ingestKey: string;
  workflow: Workflow;
  /** The warnings list, which the simulated officer works too; none, no officer at it. */
  warnings?: Warnings;
  /** The grid workers' phones: their reports, 小事一格处理 and positions on duty. */
  field: FieldService;
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
  /** How many grid workers are out on their rounds in the day (default 40). */
  workersOnDuty?: number;
  /** The reception's registrations, for the enquiries it answers on the call (即办). */
  reception?: ReceptionIntake;
  /** Open incidents the desk takes over where they stand (the demo's past, still running). */
  resume?: readonly Incident[];
}

export interface Simulator {
  stop(): void;
  stats(): SimulatorStats;
}

export interface SimulatorStats {
  posted: number;
  created: number;
  /** Settled on the spot by the grid worker who reported it (小事一格处理). */
  selfHandled: number;
  /** Enquiries answered on the call at the reception (即办). */
  answered: number;
  attached: number;
  failed: number;
  skipped: number;
  working: number;
  acted: number;
}

const simLog = moduleLog('simulator');
const TICK_MS = 200;
/** How often the patrols' positions go to the patrol feed, as a tracking system sends them. */
const PATROL_TICK_MS = 2_000;
/** Reports in flight at once; beyond it an arrival is skipped rather than queued forever. */
const MAX_IN_FLIGHT = 32;
/** Arrivals this late (the process was paused) are skipped rather than posted in a burst. */
const MAX_LATENESS_MS = 60_000;
/** Share of events that someone else reports again a minute later (shows deduplication). */
const FOLLOW_UP_SHARE = 0.08;

/**
 * The demo city's day: reports arriving on a day-and-night curve through the public intake
 * API (a grid worker's from their phone, small matters settled on the spot), a simulated desk,
 * departments and grid workers working them through the workflow, patrols walking and driving
 * their beats through the patrol feed, grid workers on their rounds in the day. Each goes in
 * through the path its real counterpart uses. Switched on by config; production runs without it.
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
    gridWorkers: deps.city.gridWorkers,
    regionNames: new Map(
      deps.city.regions.features.map((f) => [f.properties.id, f.properties.name]),
    ),
    log,
  });
  const warningDesk = deps.warnings
    ? startWarningDesk({
        warnings: deps.warnings,
        clock,
        rng: seededRandom(rng() * 2 ** 32),
        timeScale,
        log,
      })
    : undefined;
  const phones = new GridWorkerPhones(places, deps.city.gridWorkers, deps.field, rng);
  // Their own stream: how many position fixes ran does not change the rest of the day.
  const onDuty = new GridWorkersOnDuty(deps.city.gridWorkers, seededRandom(rng() * 2 ** 32), {
    count: deps.workersOnDuty ?? 40,
    utcOffsetMinutes: offset,
    timeScale,
  });
  const reception =
    deps.reception && new SimReception(deps.reception, seededRandom(rng() * 2 ** 32));
  const stats = {
    posted: 0,
    created: 0,
    selfHandled: 0,
    answered: 0,
    attached: 0,
    failed: 0,
    skipped: 0,
  };
  let inFlight = 0;
  let stopped = false;

  /** A new incident from the simulator's own report: the desk works it, a patrol may go. */
  const adopt = (generated: GeneratedReport, incidentId: string) => {
    const { input } = generated;
    const patrolId =
      needsPatrol(generated) && chance(rng, 0.6)
        ? fleet.respond([input.location.lng, input.location.lat])
        : undefined;
    desk.take(incidentId, factsOf(generated), {
      preferred: generated.template.departments,
      ...(patrolId ? { patrolIds: [patrolId] } : {}),
    });
  };
  // Matters still open from the demo's past are worked on from where they stand.
  for (const incident of deps.resume ?? []) desk.resume(incident);

  /**
   * A grid worker's report comes from their phone, under their name; the rest (and a grid with
   * no worker on record) through the intake API.
   */
  const post = (generated: GeneratedReport, selfHandled = false, answered = false) => {
    if (inFlight >= MAX_IN_FLIGHT) {
      stats.skipped++;
      return;
    }
    inFlight++;
    stats.posted++;
    const worker = phones.reporterOf(generated);
    const sent =
      answered && reception
        ? reception.answer(generated)
        : worker
          ? phones.report(worker, generated, selfHandled)
          : postReport(deps.baseUrl, deps.ingestKey, generated.input);
    void sent.then((answer) => {
      inFlight--;
      if (stopped) return;
      if (!answer.ok) {
        stats.failed++;
        log(`simulator: report refused (${answer.status}): ${answer.error}`);
        return;
      }
      if (answer.result === 'created' && answered) {
        // Answered on the call: closed as it was opened.
        stats.answered++;
      } else if (answer.result === 'created' && selfHandled) {
        // Closed as it was opened: nothing left for the desk to do.
        stats.selfHandled++;
      } else if (answer.result === 'created') {
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
    // A matter settled on the spot is over before anyone else would call it in.
    const selfHandled = phones.settlesOnSpot(generated);
    const answered = !selfHandled && !!reception?.answers(generated);
    post(generated, selfHandled, answered);
    if (!selfHandled && !answered && chance(rng, FOLLOW_UP_SHARE)) {
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

  onDuty.start(agenda, clock, deps.field);

  let lastPatrolAt = start;
  let simNow = start;
  let feeding = false;
  /** The positions go to the patrol feed like a tracking system's; one request at a time. */
  const feedPatrols = () => {
    if (feeding || !fleet.size) return;
    feeding = true;
    void postPatrolPositions(deps.baseUrl, deps.ingestKey, fleet.positions()).then((answer) => {
      feeding = false;
      if (stopped) return;
      if (!answer.ok)
        log(`simulator: patrol positions refused (${answer.status}): ${answer.error}`);
      else if (answer.unknown.length)
        log(`simulator: the patrol feed knows no patrol ${answer.unknown.join(', ')}`);
    });
  };
  const movePatrols = () => {
    const now = clock().getTime();
    const dt = Math.max(0, now - lastPatrolAt) * timeScale;
    lastPatrolAt = now;
    simNow += dt;
    fleet.advance(dt, simNow);
    feedPatrols();
  };
  feedPatrols();
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
      warningDesk?.stop();
      onDuty.leave(deps.field);
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
