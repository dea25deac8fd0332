import {
  CATEGORIES,
  isOpenState,
  isOverdue,
  type Category,
  type Delta,
  type IncidentSummary,
  type Kpis,
  type StreetKpi,
} from '../../shared/index.js';
import type { Board } from './board.js';
import type { CentreDay } from './day.js';

/** What one incident adds to today's figures. */
interface Contribution {
  intake: number;
  resolved: number;
  selfHandled: number;
  immediate: number;
  rejected: number;
  finished: number;
  finishedOnTime: number;
  open: number;
  overdue: number;
  category: Category;
  hour: number;
  streetId: string;
}

interface StreetTally {
  intake: number;
  resolved: number;
  rejected: number;
  open: number;
  overdue: number;
}

/**
 * Today's KPIs, kept incrementally: each incident's contribution is remembered, and a change
 * subtracts the old one and adds the new, so a figure costs O(1) per delta, not a rescan.
 */
export class KpiTracker {
  private readonly contributions = new Map<string, Contribution>();
  private totals = emptyTotals();
  private dayStart = '';
  private dayEnd = '';

  constructor(
    private readonly board: Board,
    private readonly day: CentreDay,
    private readonly streetIds: string[],
    /** A sub-centre's figures count its own area's incidents and cameras only. */
    private readonly within?: {
      incident(i: IncidentSummary): boolean;
      camera(cameraId: string): boolean;
    },
  ) {}

  /** Recounts from the board: at start and when the day turns. */
  rebuild(now: Date): void {
    this.dayStart = this.day.start(now);
    this.dayEnd = new Date(Date.parse(this.dayStart) + 86_400_000).toISOString();
    this.contributions.clear();
    this.totals = emptyTotals();
    for (const incident of this.board.incidents.values()) this.update(incident, now);
  }

  apply(deltas: readonly Delta[], now: Date): void {
    if (now.toISOString() >= this.dayEnd) {
      this.rebuild(now);
      return;
    }
    for (const d of deltas) if (d.type === 'incident') this.update(d.incident, now);
  }

  current(now: Date): Kpis {
    const t = this.totals;
    const within = this.within;
    const cameras = within
      ? [...this.board.cameras].filter(([id]) => within.camera(id)).map(([, s]) => s)
      : [...this.board.cameras.values()];
    const camerasOnline = cameras.filter((s) => s === 'online').length;
    return {
      at: now.toISOString(),
      day: this.day.label(now),
      intake: t.intake,
      resolved: t.resolved,
      selfHandled: t.selfHandled,
      immediate: t.immediate,
      resolutionRate: ratio(t.resolved, t.intake - t.rejected),
      onTimeRate: ratio(t.finishedOnTime, t.finished),
      overdue: t.overdue,
      open: t.open,
      byCategory: { ...t.byCategory },
      hourly: [...t.hourly],
      streets: this.streetIds
        .map((streetId): StreetKpi => {
          const s = t.streets.get(streetId) ?? emptyStreet();
          const resolvedShare = ratio(s.resolved, s.intake - s.rejected, 1);
          const punctualShare = 1 - ratio(s.overdue, s.open, 0);
          return {
            streetId,
            intake: s.intake,
            resolved: s.resolved,
            overdue: s.overdue,
            score: Math.round(100 * (0.5 * resolvedShare + 0.5 * punctualShare)),
          };
        })
        .sort((a, b) => b.score - a.score || a.streetId.localeCompare(b.streetId)),
      camerasOnline,
      camerasTotal: cameras.length,
      cameraOnlineRate: ratio(camerasOnline, cameras.length),
    };
  }

  private update(incident: IncidentSummary, now: Date): void {
    // An incident never leaves its place, so one outside the area never counted here.
    if (this.within && !this.within.incident(incident)) return;
    const before = this.contributions.get(incident.id);
    if (before) this.add(before, -1);
    const after = this.contributionOf(incident, now);
    this.contributions.set(incident.id, after);
    this.add(after, 1);
  }

  private contributionOf(i: IncidentSummary, now: Date): Contribution {
    const today = (iso: string | null) => iso !== null && iso >= this.dayStart && iso < this.dayEnd;
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
      category: i.category,
      hour: this.day.hour(i.reportedAt),
      streetId: i.streetId,
    };
  }

  private add(c: Contribution, sign: 1 | -1): void {
    const t = this.totals;
    t.intake += sign * c.intake;
    t.resolved += sign * c.resolved;
    t.selfHandled += sign * c.selfHandled;
    t.immediate += sign * c.immediate;
    t.rejected += sign * c.rejected;
    t.finished += sign * c.finished;
    t.finishedOnTime += sign * c.finishedOnTime;
    t.open += sign * c.open;
    t.overdue += sign * c.overdue;
    t.byCategory[c.category] += sign * c.intake;
    t.hourly[c.hour]! += sign * c.intake;
    const s = t.streets.get(c.streetId) ?? emptyStreet();
    s.intake += sign * c.intake;
    s.resolved += sign * c.resolved;
    s.rejected += sign * c.rejected;
    s.open += sign * c.open;
    s.overdue += sign * c.overdue;
    t.streets.set(c.streetId, s);
  }
}

function emptyTotals() {
  return {
    intake: 0,
    resolved: 0,
    selfHandled: 0,
    immediate: 0,
    rejected: 0,
    finished: 0,
    finishedOnTime: 0,
    open: 0,
    overdue: 0,
    byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>,
    hourly: Array.from({ length: 24 }, () => 0),
    streets: new Map<string, StreetTally>(),
  };
}

function emptyStreet(): StreetTally {
  return { intake: 0, resolved: 0, rejected: 0, open: 0, overdue: 0 };
}

function ratio(part: number, whole: number, empty = 0): number {
  return whole > 0 ? part / whole : empty;
}
