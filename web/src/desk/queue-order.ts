import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import { SEVERITIES } from '../../../shared/domain/vocabulary.js';
import { isOpenState } from '../../../shared/workflow/rules.js';

export type QueueSort = 'reported' | 'severity' | 'deadline';

/**
 * The queue's order: overdue first, always; then the officer's chosen order, newest first on
 * ties. Keys are computed once per incident, so sorting 20,000 costs milliseconds.
 */
export function orderQueue(
  incidents: IncidentSummary[],
  sort: QueueSort,
  now: Date,
): IncidentSummary[] {
  const nowIso = now.toISOString();
  const keyed = incidents.map((i) => ({
    i,
    late: isOpenState(i.state) && i.deadline !== null && i.deadline.dueAt <= nowIso ? 0 : 1,
    severity: SEVERITIES.length - SEVERITIES.indexOf(i.severity),
    due: i.deadline?.dueAt ?? '~',
  }));
  keyed.sort(
    (a, b) =>
      a.late - b.late ||
      (sort === 'severity' ? a.severity - b.severity : 0) ||
      (sort === 'deadline' ? compare(a.due, b.due) : 0) ||
      compare(b.i.reportedAt, a.i.reportedAt),
  );
  return keyed.map((k) => k.i);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
