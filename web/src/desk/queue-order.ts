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
 * chosen order, newest first on ties. One pass that keeps only the best `limit`, in a heap with
 * the worst of them on top: the desk looks again several times a second under load, and sorting
 * all 20,000 each time was most of its main thread. The pass runs from the end of `incidents`,
 * the newest when they come in the order they arrived (as the store keeps them), so in the
 * default order most fall behind the head at the first comparison.
 */
export function queueTop(
  incidents: Iterable<IncidentSummary>,
  wanted: (i: IncidentSummary) => boolean,
  sort: QueueSort,
  now: Date,
  limit: number,
): QueueTop {
  const order = queueOrder(sort, now.toISOString());
  const heap: IncidentSummary[] = [];
  const all = [...incidents];
  let total = 0;
  for (let n = all.length - 1; n >= 0; n--) {
    const i = all[n]!;
    if (!wanted(i)) continue;
    total++;
    if (heap.length < limit) {
      heap.push(i);
      for (let k = heap.length - 1, up = (k - 1) >> 1; k > 0; k = up, up = (k - 1) >> 1) {
        if (order(heap[k]!, heap[up]!) <= 0) break;
        [heap[k], heap[up]] = [heap[up]!, heap[k]!];
      }
    } else if (limit > 0 && order(i, heap[0]!) < 0) {
      heap[0] = i;
      for (let k = 0; ;) {
        const left = 2 * k + 1;
        const worse =
          left + 1 < heap.length && order(heap[left + 1]!, heap[left]!) > 0 ? left + 1 : left;
        if (worse >= heap.length || order(heap[worse]!, heap[k]!) <= 0) break;
        [heap[k], heap[worse]] = [heap[worse]!, heap[k]!];
        k = worse;
      }
    }
  }
  return { rows: heap.sort(order), total };
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
    compare(b.reportedAt, a.reportedAt) ||
    compare(b.id, a.id);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
