import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import { SEVERITIES } from '../../../shared/domain/vocabulary.js';
import { isOpenState } from '../../../shared/workflow/rules.js';

export type QueueSort = 'reported' | 'severity' | 'deadline';

export interface QueueTop {
  /** The first incidents of the queue, in order. */
  rows: IncidentSummary[];
  /** How many incidents the queue holds in all. */
  total: number;
}

/**
 * The head of the queue among the incidents `wanted`: overdue first, always; then the officer's
 * chosen order, newest first on ties, and the feed's order after that. One pass that keeps only
 * the best `limit` in order: the desk looks again several times a second under load, and copying
 * and sorting all 20,000 each time was most of its main thread.
 */
export function queueTop(
  incidents: Iterable<IncidentSummary>,
  wanted: (i: IncidentSummary) => boolean,
  sort: QueueSort,
  now: Date,
  limit: number,
): QueueTop {
  const order = queueOrder(sort, now.toISOString());
  const rows: IncidentSummary[] = [];
  let total = 0;
  for (const i of incidents) {
    if (!wanted(i)) continue;
    total++;
    if (rows.length === limit && order(rows[limit - 1]!, i) <= 0) continue;
    // After every row it does not go before, so ties keep the feed's order.
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (order(rows[mid]!, i) <= 0) lo = mid + 1;
      else hi = mid;
    }
    rows.splice(lo, 0, i);
    if (rows.length > limit) rows.pop();
  }
  return { rows, total };
}

function queueOrder(sort: QueueSort, nowIso: string) {
  const late = (i: IncidentSummary) =>
    isOpenState(i.state) && i.deadline !== null && i.deadline.dueAt <= nowIso ? 0 : 1;
  const rank = (i: IncidentSummary) => SEVERITIES.indexOf(i.severity);
  const due = (i: IncidentSummary) => i.deadline?.dueAt ?? '~';
  return (a: IncidentSummary, b: IncidentSummary): number =>
    late(a) - late(b) ||
    (sort === 'severity' ? rank(b) - rank(a) : 0) ||
    (sort === 'deadline' ? compare(due(a), due(b)) : 0) ||
    compare(b.reportedAt, a.reportedAt);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
