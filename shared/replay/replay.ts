import type { LngLat } from '../domain/common.js';
import type { Warning } from '../domain/warnings.js';
import type {
  Category,
  Incident,
  IncidentState,
  IncidentSummary,
  Resolution,
  Severity,
  Source,
  TimelineEntry,
} from '../domain/incidents.js';
import { isOpenState } from '../workflow/rules.js';

/**
 * 复盘: a past stretch of time played again. Each incident comes with its history (its
 * timeline, which the workflow writes in the same transaction as the event log's delta), and the
 * screens rebuild from it what they showed at any moment: which incidents were on the board, in
 * which state, overdue or not, and the day's figures.
 */

/** The longest stretch one replay covers. */
export const REPLAY_MAX_DAYS = 7;
/** The speeds a replay plays at: real time to an hour a second. */
export const REPLAY_SPEEDS = [1, 10, 60, 300, 900, 3600] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/** One step of an incident's history, as a replay plays it. */
export interface ReplayStep {
  at: string;
  action: TimelineEntry['action'];
  /** The state after it. */
  to: IncidentState;
  /** Who acted, by name (a department, a grid worker, the system's clock). */
  by: string;
  /** For a passed deadline (超期): which one, and when it was due. */
  step?: string;
  dueAt?: string;
}

export interface ReplayIncident {
  id: string;
  title: string;
  category: Category;
  severity: Severity;
  groupRisk: boolean;
  source: Source;
  location: LngLat;
  gridId: string;
  communityId: string;
  streetId: string;
  districtId: string;
  cameraId: string | null;
  reportedAt: string;
  resolution: Resolution | null;
  steps: ReplayStep[];
}

export interface ReplayAnswer {
  /** The stretch asked for. */
  from: string;
  to: string;
  /**
   * When the centre's day containing `from` began: the incidents reported since then are here
   * too, so the day's figures are whole from the first moment.
   */
  dayStart: string;
  utcOffsetMinutes: number;
  /** Open at `dayStart` or reported, closed or changed since, until `to`; oldest first. */
  incidents: ReplayIncident[];
  /** More incidents than one replay carries: the oldest are here, the rest left out. */
  truncated: boolean;
  /** The warnings (预警) raised before `to` and not resolved before `dayStart`, oldest first. */
  warnings: Warning[];
}

/**
 * The warnings that stood at `t` (ms), each as it stood: acknowledged only once it had been.
 * A warning keeps the level it ended with (a level raised later is not in its document).
 */
export function warningsAt(warnings: readonly Warning[], t: number): Warning[] {
  const out: Warning[] = [];
  for (const w of warnings) {
    if (Date.parse(w.raisedAt) > t) continue;
    if (w.resolved && Date.parse(w.resolved.at) <= t) continue;
    const acknowledged = w.acknowledged && Date.parse(w.acknowledged.at) <= t;
    const { resolved: _resolved, acknowledged: _acknowledged, ...rest } = w;
    out.push({
      ...rest,
      state: acknowledged ? 'acknowledged' : 'open',
      ...(acknowledged ? { acknowledged: w.acknowledged } : {}),
    });
  }
  return out;
}

/** An incident with its history, as a replay carries it: no descriptions, no contacts. */
export function replayIncidentOf(i: Incident): ReplayIncident {
  return {
    id: i.id,
    title: i.title,
    category: i.category,
    severity: i.severity,
    groupRisk: i.groupRisk,
    source: i.source,
    location: i.location,
    gridId: i.gridId,
    communityId: i.communityId,
    streetId: i.streetId,
    districtId: i.districtId,
    cameraId: i.cameraId,
    reportedAt: i.reportedAt,
    resolution: i.resolution ?? null,
    steps: i.timeline.map((e) => {
      const step: ReplayStep = { at: e.at, action: e.action, to: e.to, by: e.actor.name };
      if (e.action === 'overdue') {
        if (typeof e.detail?.step === 'string') step.step = e.detail.step;
        if (typeof e.detail?.dueAt === 'string') step.dueAt = e.detail.dueAt;
      }
      return step;
    }),
  };
}

/** How many of its steps had happened by `t` (ms): steps are in time order. */
export function stepsBy(r: ReplayIncident, t: number): number {
  let n = 0;
  while (n < r.steps.length && Date.parse(r.steps[n]!.at) <= t) n += 1;
  return n;
}

/**
 * The incident as the screens had it once its first `n` steps had happened, or undefined before
 * its first. Its deadline is the one that had passed (超期) and was still running, if any: the
 * timeline keeps passed deadlines, not every running one, so a replay colours what was late.
 */
export function summaryAfter(r: ReplayIncident, n: number): IncidentSummary | undefined {
  if (n === 0) return undefined;
  const { steps, ...fixed } = r;
  const last = steps[n - 1]!;
  const state = last.to;
  let closedAt: string | null = null;
  let wasOverdue = false;
  let late: ReplayStep | undefined;
  for (let k = 0; k < n; k++) {
    const s = steps[k]!;
    const before = k === 0 ? null : steps[k - 1]!.to;
    if (s.action === 'overdue') {
      if (s.step !== 'take') {
        wasOverdue = true;
        late = s;
      }
      continue;
    }
    // A new step of the loop, or more time, starts another deadline.
    if (s.to !== before || s.action === 'extend') late = undefined;
    // Closing sets the time (a 回访 after it keeps it); reopening clears it; a rejection has none.
    if (s.to === 'closed' && before !== 'closed') closedAt = s.at;
    if (isOpenState(s.to)) closedAt = null;
  }
  const open = isOpenState(state);
  return {
    ...fixed,
    resolution: open ? null : r.resolution,
    version: n,
    state,
    assignments: [],
    gridWorkerId: null,
    deadline:
      open && late?.dueAt
        ? { step: late.step as never, dueAt: late.dueAt, extensions: 0, flagged: true }
        : null,
    updatedAt: last.at,
    closedAt,
    rating: null,
    reportCount: 1,
    wasOverdue,
  };
}

/**
 * Whether the live board showed it at `t`: open then, or reported or finished on that day
 * (`dayStart` ISO), as the board keeps them.
 */
export function onBoard(i: IncidentSummary, dayStart: string): boolean {
  return (
    isOpenState(i.state) ||
    i.reportedAt >= dayStart ||
    (i.closedAt !== null && i.closedAt >= dayStart)
  );
}
