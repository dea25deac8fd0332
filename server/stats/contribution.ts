import {
  centreDay,
  closeBucket,
  defaultLimits,
  DEPARTMENT_FIELDS,
  TALLY_FIELDS,
  type DeadlineLimits,
  type DepartmentTally,
  type Incident,
} from '../../shared/index.js';

/**
 * What one incident adds to the statistics' sums, kept beside it (incidents.stat) so a change
 * takes the old contribution off and puts the new one on without reading the old document.
 */
export interface Contribution {
  /** Local day it was reported. */
  day: string;
  gridId: string;
  communityId: string;
  streetId: string;
  districtId: string;
  source: string;
  category: string;
  /** TALLY_FIELDS in order. */
  tally: number[];
  /** The time-to-close bucket, when closed. */
  bucket: number | null;
  /** Per department: DEPARTMENT_FIELDS in order. */
  departments: Record<string, number[]>;
}

const CLOSED = new Set(['closed', 'evaluated']);
const OPEN = new Set(['reported', 'accepted', 'dispatched', 'handling', 'verifying']);

export function contributionOf(
  incident: Incident,
  utcOffsetMinutes: number,
  limits: DeadlineLimits = defaultLimits,
): Contribution {
  const closed = CLOSED.has(incident.state);
  const closeMs =
    closed && incident.closedAt
      ? Math.max(0, Date.parse(incident.closedAt) - Date.parse(incident.reportedAt))
      : 0;
  const rated = incident.rating !== null && incident.rating !== undefined;
  const late = lateBeforeClose(incident);
  const values: Record<(typeof TALLY_FIELDS)[number], number> = {
    intake: 1,
    closed: closed ? 1 : 0,
    closedOnTime: closed && !late ? 1 : 0,
    overdue: late ? 1 : 0,
    rejected: incident.state === 'rejected' ? 1 : 0,
    open: OPEN.has(incident.state) ? 1 : 0,
    closeMs,
    rated: rated ? 1 : 0,
    satisfied: rated && incident.rating! >= 4 ? 1 : 0,
    ratingSum: rated ? incident.rating! : 0,
    disputes: incident.category === 'dispute' ? 1 : 0,
    disputesResolved: incident.category === 'dispute' && closed ? 1 : 0,
    repeats: incident.reportCount > 1 ? 1 : 0,
    selfHandled: incident.resolution === 'self-handled' ? 1 : 0,
    immediate: incident.resolution === 'immediate' ? 1 : 0,
  };
  return {
    day: localDay(incident.reportedAt, utcOffsetMinutes),
    gridId: incident.gridId,
    communityId: incident.communityId,
    streetId: incident.streetId,
    districtId: incident.districtId,
    source: incident.source,
    category: incident.category,
    tally: TALLY_FIELDS.map((f) => values[f]),
    bucket: closed && incident.closedAt ? closeBucket(closeMs) : null,
    departments: departmentsOf(incident, closed, late, limits),
  };
}

/** Each department's part, read from the timeline: when it was sent, took it on, sent it back. */
function departmentsOf(
  incident: Incident,
  closed: boolean,
  late: boolean,
  limits: DeadlineLimits,
): Record<string, number[]> {
  const sentAt = new Map<string, number>();
  const parts = new Map<string, DepartmentTally>();
  const part = (id: string) => {
    let p = parts.get(id);
    if (!p) {
      p = Object.fromEntries(DEPARTMENT_FIELDS.map((f) => [f, 0])) as DepartmentTally;
      parts.set(id, p);
    }
    return p;
  };
  const respondLimit = limits(incident.category, 'respond');
  for (const entry of incident.timeline) {
    const at = Date.parse(entry.at);
    if (entry.action === 'dispatch' || entry.action === 'whistle') {
      const ids = (entry.detail?.departmentIds as string[] | undefined) ?? [];
      for (const id of ids) {
        if (!sentAt.has(id)) part(id).assigned = 1;
        sentAt.set(id, at);
      }
    } else if (entry.action === 'respond' && entry.actor.departmentId) {
      const id = entry.actor.departmentId;
      const p = part(id);
      if (p.responded) continue;
      p.responded = 1;
      const from = sentAt.get(id);
      if (from !== undefined && at - from <= respondLimit) p.respondedOnTime = 1;
    } else if (entry.action === 'return' && entry.actor.departmentId) {
      part(entry.actor.departmentId).returned = 1;
    }
  }
  const rated = incident.rating !== null && incident.rating !== undefined;
  const out: Record<string, number[]> = {};
  for (const [id, p] of parts) {
    // The departments that worked it to the end share its close and its rating.
    const stayed = incident.assignments.some((a) => a.departmentId === id);
    if (closed && stayed) {
      p.finished = 1;
      if (!late) p.finishedOnTime = 1;
      if (rated) {
        p.rated = 1;
        if (incident.rating! >= 4) p.satisfied = 1;
      }
    }
    out[id] = DEPARTMENT_FIELDS.map((f) => p[f]);
  }
  return out;
}

/**
 * 超期 as the statistics count it: a step's deadline passed while the matter was being worked,
 * before it closed. The call back after closing (回访) runs its own clock and does not make a
 * matter closed on time late.
 */
function lateBeforeClose(incident: Incident): boolean {
  if (!incident.wasOverdue) return false;
  const closedAt = incident.closedAt ? Date.parse(incident.closedAt) : Infinity;
  return incident.timeline.some(
    (t) => t.action === 'overdue' && t.detail?.step !== 'evaluate' && Date.parse(t.at) <= closedAt,
  );
}

export function localDay(iso: string, utcOffsetMinutes: number): string {
  return centreDay(Date.parse(iso), utcOffsetMinutes);
}
