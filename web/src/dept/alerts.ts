import type { DeptRow } from './queue.js';
import { urgency } from './time-left.js';

/**
 * What a department is alerted to: a new case in its hands (派遣, or a whistle 吹哨), a deadline
 * ten minutes off or passed (即将超期, 超期), and the centre pressing it (督办, 催办).
 */
export type AlertKind = 'assigned' | 'soon' | 'overdue' | 'supervised' | 'reminded';

export interface DeptAlert {
  /** Names the incident and the event: one alert per key, ever. */
  key: string;
  kind: AlertKind;
  incidentId: string;
  title: string;
  whistle: boolean;
}

/** Louder first: which sound a batch of alerts makes. */
export const ALERT_RANK: Record<AlertKind, number> = {
  overdue: 4,
  supervised: 3,
  reminded: 2,
  assigned: 1,
  soon: 0,
};

/**
 * Follows the department's rows and answers the alerts that became due since the last look,
 * each once per incident and event. The first look is the baseline: what was already in the
 * queue, supervised or reminded when the desk opened is no news (its deadlines still warn), so a
 * reload does not ring for every case again.
 */
export function createAlertWatch(): { check(rows: readonly DeptRow[], now: number): DeptAlert[] } {
  let queued: Set<string> | undefined;
  const seen = new Set<string>();
  return {
    check(rows, now) {
      const baseline = queued === undefined;
      const alerts: DeptAlert[] = [];
      const raise = (row: DeptRow, kind: AlertKind, key: string, quiet = false) => {
        if (seen.has(key)) return;
        seen.add(key);
        if (!quiet)
          alerts.push({
            key,
            kind,
            incidentId: row.incident.id,
            title: row.incident.title,
            whistle: row.whistle,
          });
      };
      const current = new Set<string>();
      for (const row of rows) {
        const { id, supervisedAt, remindedAt } = row.incident;
        // New in its hands: dispatched or whistled to it, or sent back to it to do again (重办).
        current.add(id);
        if (!baseline && !queued!.has(id))
          raise(row, 'assigned', `${id}:assigned:${row.incident.version}`);
        if (supervisedAt) raise(row, 'supervised', `${id}:supervised:${supervisedAt}`, baseline);
        if (remindedAt) raise(row, 'reminded', `${id}:reminded:${remindedAt}`, baseline);
        // Keyed by the deadline itself: an extension, or the next step's deadline, warns anew.
        const level = urgency(row.dueAt, now);
        if (level === 'overdue') {
          seen.add(`${id}:soon:${row.dueAt}`);
          raise(row, 'overdue', `${id}:overdue:${row.dueAt}`);
        } else if (level === 'soon') {
          raise(row, 'soon', `${id}:soon:${row.dueAt}`);
        }
      }
      queued = current;
      return alerts;
    },
  };
}
