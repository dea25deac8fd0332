import type { IncidentSummary } from '../domain/incidents.js';
import { isOverdue } from '../workflow/apply.js';
import { isOpenState } from '../workflow/rules.js';

/** What the day's live figures count (the tiles of the wall and the desk, a replay's too). */
export const TODAY_COUNTS = [
  'intake',
  'resolved',
  'selfHandled',
  'immediate',
  'rejected',
  'finished',
  'finishedOnTime',
  'open',
  'overdue',
] as const;
export type TodayCounts = Record<(typeof TODAY_COUNTS)[number], number>;

export function emptyTodayCounts(): TodayCounts {
  return Object.fromEntries(TODAY_COUNTS.map((k) => [k, 0])) as TodayCounts;
}

/**
 * What one incident adds to the figures of the day [dayStart, dayEnd) as of `now`: today's
 * intake and what became of it, what finished today and whether on time, what is open and late.
 */
export function todayCounts(
  i: IncidentSummary,
  now: Date,
  dayStart: string,
  dayEnd: string,
): TodayCounts {
  const today = (iso: string | null) => iso !== null && iso >= dayStart && iso < dayEnd;
  const reportedToday = today(i.reportedAt) ? 1 : 0;
  const finished = i.state === 'closed' || i.state === 'evaluated';
  const finishedToday = finished && today(i.closedAt) ? 1 : 0;
  const open = isOpenState(i.state) ? 1 : 0;
  return {
    intake: reportedToday,
    resolved: reportedToday && finished ? 1 : 0,
    // Closed in one step, outside the loop: counted apart (and among the resolved).
    selfHandled: reportedToday && i.resolution === 'self-handled' ? 1 : 0,
    immediate: reportedToday && i.resolution === 'immediate' ? 1 : 0,
    rejected: reportedToday && i.state === 'rejected' ? 1 : 0,
    finished: finishedToday,
    finishedOnTime: finishedToday && !i.wasOverdue ? 1 : 0,
    open,
    overdue: open && isOverdue(i, now) ? 1 : 0,
  };
}

/** Adds (or with -1 takes off) one incident's counts. */
export function addTodayCounts(into: TodayCounts, c: TodayCounts, sign: 1 | -1 = 1): void {
  for (const k of TODAY_COUNTS) into[k] += sign * c[k];
}

/** 化解率 (resolved among accepted intake) and 按时办结率 (on time among finished), 0-1. */
export function todayRates(t: TodayCounts): { resolutionRate: number; onTimeRate: number } {
  return {
    resolutionRate: shareOf(t.resolved, t.intake - t.rejected),
    onTimeRate: shareOf(t.finishedOnTime, t.finished),
  };
}

export function shareOf(part: number, whole: number, empty = 0): number {
  return whole > 0 ? part / whole : empty;
}
