import { isOpenState, isOverdue, SEVERITIES, type IncidentSummary } from '../../../shared/index.js';

export type QueueSort = 'reported' | 'severity' | 'deadline';

/** Overdue first, always; then the officer's chosen order. */
export function queueOrder(sort: QueueSort, now: Date) {
  const late = (i: IncidentSummary) => (isOpenState(i.state) && isOverdue(i, now) ? 0 : 1);
  const due = (i: IncidentSummary) => (i.deadline ? Date.parse(i.deadline.dueAt) : Infinity);
  return (a: IncidentSummary, b: IncidentSummary): number =>
    late(a) - late(b) ||
    (sort === 'severity' ? SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) : 0) ||
    (sort === 'deadline' ? due(a) - due(b) : 0) ||
    b.reportedAt.localeCompare(a.reportedAt);
}
