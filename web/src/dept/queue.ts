import type { Assignment, IncidentSummary } from '../../../shared/domain/incidents.js';
import { centreDayStart } from '../../../shared/stats/periods.js';

/**
 * What a department owes next on an incident: answer it (报到/签收), report back (反馈), or
 * nothing until the other summoned departments have done the step in hand ('wait').
 */
export type NextStep = 'respond' | 'report' | 'wait';

/** One of the department's incidents as its desk lists it. */
export interface DeptRow {
  incident: IncidentSummary;
  /** The department's own assignment on it. */
  part: Assignment;
  /** Summoned with others by a whistle (吹哨): it answers with 报到 rather than 签收. */
  whistle: boolean;
  next: NextStep;
  /**
   * When the deadline running against this department's own next step falls (epoch ms), or
   * null: a department that has answered a whistle is not late while the others have not.
   */
  dueAt: number | null;
}

/** States in which a department still has work on an incident. */
const AT_DEPARTMENTS = new Set(['dispatched', 'handling']);

/** A whistle summons several departments; a plain dispatch names one. */
export function isWhistle(incident: Pick<IncidentSummary, 'assignments'>): boolean {
  return incident.assignments.length > 1;
}

export function partOf(
  incident: Pick<IncidentSummary, 'assignments'>,
  departmentId: string,
): Assignment | undefined {
  return incident.assignments.find((a) => a.departmentId === departmentId);
}

/** The row for one incident, or undefined when the department has nothing open on it. */
export function deptRow(incident: IncidentSummary, departmentId: string): DeptRow | undefined {
  const part = partOf(incident, departmentId);
  if (!part || !AT_DEPARTMENTS.has(incident.state) || part.reportedAt !== null) return undefined;
  const wanted: NextStep = part.respondedAt === null ? 'respond' : 'report';
  // Reporting back needs every summoned department to have answered first (state handling).
  const next: NextStep = wanted === 'report' && incident.state !== 'handling' ? 'wait' : wanted;
  const step = incident.deadline?.step;
  const mine =
    (next === 'respond' && step === 'respond') || (next === 'report' && step === 'handle');
  return {
    incident,
    part,
    whistle: isWhistle(incident),
    next,
    dueAt: mine && incident.deadline ? Date.parse(incident.deadline.dueAt) : null,
  };
}

/**
 * The department's queue: every incident still in its hands, the nearest deadline first; those
 * with no deadline running against it (waiting on others) after, oldest first.
 */
export function deptQueue(incidents: Iterable<IncidentSummary>, departmentId: string): DeptRow[] {
  const rows: DeptRow[] = [];
  for (const i of incidents) {
    const row = deptRow(i, departmentId);
    if (row) rows.push(row);
  }
  return rows.sort(
    (a, b) =>
      (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) ||
      compare(a.incident.reportedAt, b.incident.reportedAt) ||
      compare(a.incident.id, b.incident.id),
  );
}

/**
 * What the department reported back on since the centre's midnight (今日已反馈), latest first:
 * it stays in sight while the centre verifies and closes it.
 */
export function doneToday(
  incidents: Iterable<IncidentSummary>,
  departmentId: string,
  now: number,
  utcOffsetMinutes: number,
): IncidentSummary[] {
  const since = centreDayStart(now, utcOffsetMinutes);
  const done: { incident: IncidentSummary; at: number }[] = [];
  for (const incident of incidents) {
    const reportedAt = partOf(incident, departmentId)?.reportedAt;
    const at = reportedAt ? Date.parse(reportedAt) : NaN;
    if (at >= since) done.push({ incident, at });
  }
  return done.sort((a, b) => b.at - a.at).map((d) => d.incident);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
