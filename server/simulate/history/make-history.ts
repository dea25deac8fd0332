import {
  defaultLimits,
  isOpenState,
  type ReportInput,
  type ReportInputParsed,
  type City,
  type DeadlineLimits,
  type Incident,
  type IncidentSummary,
} from '../../../shared/index.js';
import { submitFieldReport } from '../../field/reports.js';
import { IngestService } from '../../ingest/service.js';
import { NearbyIncidents } from '../../ingest/nearby.js';
import type { Scopes } from '../../levels/scopes.js';
import { DeltaBus, WriteQueue } from '../../live/bus.js';
import { CentreDay } from '../../live/day.js';
import type { PastRecords } from '../../store/store.js';
import { DeadlineHeap } from '../../workflow/deadline-heap.js';
import { WorkflowService } from '../../workflow/service.js';
import { Agenda } from '../agenda.js';
import { nextArrivalDelay, ReportFactory, type GeneratedReport } from '../arrivals.js';
import { factsOf, SimDesk } from '../desk.js';
import { GridWorkerPhones } from '../grid-workers.js';
import { DepartmentDirectory } from '../handling.js';
import { Places, type SimCity } from '../places.js';
import { chance, seededRandom, between } from '../random.js';
import { SimReception } from '../reception.js';
import { MemoryStore } from './memory-store.js';

const DAY_MS = 86_400_000;
/** An incident untouched this long is done with, and goes to the real store. */
const SETTLED_MS = 10 * DAY_MS;
/** Share of events someone else reports again a minute later, as the live simulator does. */
const FOLLOW_UP_SHARE = 0.08;
const INTEGRATION = 'simulator';
/** How long after closing a citizen may still be called back (the evaluate step's limit). */
const CALL_BACK_MS = 72 * 3_600_000;
/** How finely the past's clock moves. */
const STEP_MS = 60_000;
const TAKE = '\u0000take';

export interface HistoryOptions {
  city: SimCity & Pick<City, 'regions' | 'cameras' | 'departments' | 'gridWorkers' | 'patrols'>;
  scopes: Scopes;
  /** When the past begins. */
  from: Date;
  /** When new matters stop arriving (default `end`); those open by then are worked to `end`. */
  arrivalsUntil?: Date;
  /** Where it ends: the server's start. */
  end: Date;
  /** Id counters start above this, so parts made side by side never share an id. */
  idBase?: number;
  seed: number;
  utcOffsetMinutes: number;
  limits?: DeadlineLimits;
  /** Receives the past in batches, oldest first; the last holds what is still open at `end`. */
  write(records: PastRecords): Promise<void>;
  /** Called once a simulated day, with the day just made. */
  progress?(day: Date): void;
}

export interface HistoryResult {
  incidents: number;
  reports: number;
  /** Matters still open at the end, for the live desk to take over. */
  open: Incident[];
}

/**
 * The demo's past: `days` of the city's ordinary life before `end`, made by the simulator's own
 * parts (the same arrivals, places, desk and departments) through the real intake and
 * workflow, against a clock that jumps from one thing to the next instead of waiting for it.
 * Deadlines pass and are flagged as the overdue clock would. Seeded, so the same seed and end
 * make the same past. It is written as past records: the event log begins when the centre
 * does, and each incident's timeline is the history of its own changes.
 */
export async function makeHistory(options: HistoryOptions): Promise<HistoryResult> {
  const { city, end } = options;
  const start = options.from.getTime();
  const endMs = end.getTime();
  const arrivalsEnd = options.arrivalsUntil?.getTime() ?? endMs;
  let now = start;
  const clock = () => new Date(now);
  const rng = seededRandom(options.seed);
  const limits = options.limits ?? defaultLimits;
  const memory = new MemoryStore(options.idBase ?? 0);
  const store = memory.asStore();
  const bus = new DeltaBus(0);
  const queue = new WriteQueue();
  const nearby = new NearbyIncidents([]);
  const day = new CentreDay(options.utcOffsetMinutes);
  const ingest = new IngestService(
    store,
    bus,
    queue,
    nearby,
    city,
    clock,
    day,
    limits,
    options.scopes.rules,
    0,
  );
  const workflow = new WorkflowService(
    store,
    bus,
    queue,
    city,
    clock,
    limits,
    undefined,
    undefined,
    options.scopes,
  );
  const agenda = new Agenda();
  // Work in flight: the clock moves on only once everything due by now has been written.
  let pending = 0;
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending++;
    return p.finally(() => pending--);
  };
  // The overdue clock's part: a deadline still running when its time comes is flagged.
  const deadlines = new DeadlineHeap();
  bus.subscribe((deltas) => {
    nearby.apply(deltas);
    for (const d of deltas) if (d.type === 'incident') watchDeadlines(d.incident);
  });
  const watchDeadlines = ({ id, deadline, handover }: IncidentSummary) => {
    if (deadline && !deadline.flagged) deadlines.set(id, Date.parse(deadline.dueAt));
    else deadlines.delete(id);
    if (handover && !handover.flagged) deadlines.set(`${id}${TAKE}`, Date.parse(handover.dueAt));
    else deadlines.delete(`${id}${TAKE}`);
  };
  const flagDue = () => {
    for (let key = deadlines.popDue(now); key; key = deadlines.popDue(now)) {
      const take = key.endsWith(TAKE);
      const id = take ? key.slice(0, -TAKE.length) : key;
      const incident = memory.incidents.get(id);
      const running = take ? incident?.handover : incident?.deadline;
      if (running && !running.flagged)
        void track(workflow.flagOverdue(id, running.dueAt, take ? 'take' : 'step')).catch(() => {});
    }
  };

  const places = new Places(city);
  const factory = new ReportFactory(places, city, rng, {
    runId: `h${options.seed.toString(36)}`,
    utcOffsetMinutes: options.utcOffsetMinutes,
  });
  const desk = new SimDesk({
    workflow: { act: (id, request, actor) => track(workflow.act(id, request, actor)) },
    agenda,
    clock,
    rng,
    timeScale: 1,
    directory: new DepartmentDirectory(city.departments),
    gridWorkers: city.gridWorkers,
    regionNames: new Map(city.regions.features.map((f) => [f.properties.id, f.properties.name])),
    log: () => {},
    maxCases: Infinity,
  });
  const phones = new GridWorkerPhones(
    places,
    city.gridWorkers,
    {
      report: (actor, report) => submitFieldReport(ingest, actor, report),
      moveWorker: () => {},
    },
    rng,
  );

  const reception = new SimReception(
    (input, extras) => ingest.submit([input], 'reception', extras).then(([outcome]) => outcome!),
    seededRandom(rng() * 2 ** 32),
  );
  const answer = (generated: GeneratedReport) =>
    void track(reception.answer(generated).then((a) => (a.ok ? a : undefined)));

  const post = (generated: GeneratedReport, selfHandled: boolean) => {
    const worker = phones.reporterOf(generated);
    const sent: Promise<{ result: string; incidentId: string } | undefined> = worker
      ? phones.report(worker, generated, selfHandled).then((a) => (a.ok ? a : undefined))
      : ingest.submit([asParsed(generated.input)], INTEGRATION).then(([outcome]) => outcome);
    void track(sent).then((outcome) => {
      if (!outcome || selfHandled) return;
      if (outcome.result === 'created')
        desk.take(outcome.incidentId, factsOf(generated), {
          preferred: generated.template.departments,
        });
      else if (outcome.result === 'attached') desk.attached(outcome.incidentId);
    });
  };

  const arrive = (from: number) => {
    const at = from + nextArrivalDelay(new Date(from), rng, 1, options.utcOffsetMinutes);
    if (at >= arrivalsEnd) return;
    agenda.at(at, () => {
      const generated = factory.next(new Date(at));
      const selfHandled = phones.settlesOnSpot(generated);
      if (!selfHandled && reception.answers(generated)) {
        answer(generated);
        arrive(at);
        return;
      }
      post(generated, selfHandled);
      if (!selfHandled && chance(rng, FOLLOW_UP_SHARE)) {
        const later = at + between(rng, 40, 90) * 1000;
        agenda.at(later, () => post(factory.followUp(generated, new Date(later)), false));
      }
      arrive(at);
    });
  };
  arrive(start);

  let written = { incidents: 0, reports: 0 };
  const flush = async (done: (incident: Incident) => boolean) => {
    const { incidents, reports } = memory.take(done);
    if (!incidents.length) return;
    incidents.sort((a, b) => a.reportedAt.localeCompare(b.reportedAt));
    await options.write({ incidents, reports, counters: Object.fromEntries(memory.counters) });
    written = {
      incidents: written.incidents + incidents.length,
      reports: written.reports + reports.length,
    };
  };

  let nextFlush = start + DAY_MS;
  for (;;) {
    const at = Math.min(agenda.nextAt() ?? Infinity, deadlines.earliest);
    if (at > endMs) break;
    // What falls due within a short step runs together, stamped at the step's end: the past is
    // made in steps of seconds, not of every millisecond something happens.
    now = Math.min(endMs, at + STEP_MS);
    agenda.runDue(now);
    flagDue();
    while (pending > 0) await new Promise((resolve) => setImmediate(resolve));
    if (now >= nextFlush) {
      const before = new Date(now - SETTLED_MS).toISOString();
      await flush((i) => i.updatedAt < before);
      options.progress?.(new Date(nextFlush));
      nextFlush += DAY_MS;
    }
  }
  now = endMs;
  desk.stop();
  // Still to work: the open ones, and those closed lately whose call back (回访) may yet come.
  const callBackFrom = new Date(endMs - CALL_BACK_MS).toISOString();
  const open = [...memory.incidents.values()].filter(
    (i) =>
      isOpenState(i.state) ||
      (i.state === 'closed' &&
        !i.resolution &&
        i.rating === null &&
        (i.closedAt ?? '') >= callBackFrom),
  );
  await flush(() => true);
  return { ...written, open };
}

/** The simulator's reports are made valid; only the schema's default is filled in. */
function asParsed(input: ReportInput): ReportInputParsed {
  return { ...input, description: input.description ?? '' } as ReportInputParsed;
}
