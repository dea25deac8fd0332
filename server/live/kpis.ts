import {
  addTodayCounts,
  CATEGORIES,
  emptyTodayCounts,
  shareOf,
  todayCounts,
  todayRates,
  type Category,
  type TodayCounts,
  type Delta,
  type IncidentSummary,
  type Kpis,
  type StreetKpi,
} from '../../shared/index.js';
import type { Board } from './board.js';
import type { CentreDay } from './day.js';

/** What one incident adds to today's figures. */
interface Contribution extends TodayCounts {
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
      ...todayRates(t),
      overdue: t.overdue,
      open: t.open,
      byCategory: { ...t.byCategory },
      hourly: [...t.hourly],
      streets: this.streetIds
        .map((streetId): StreetKpi => {
          const s = t.streets.get(streetId) ?? emptyStreet();
          const resolvedShare = shareOf(s.resolved, s.intake - s.rejected, 1);
          const punctualShare = 1 - shareOf(s.overdue, s.open, 0);
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
      cameraOnlineRate: shareOf(camerasOnline, cameras.length),
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
    return {
      ...todayCounts(i, now, this.dayStart, this.dayEnd),
      category: i.category,
      hour: this.day.hour(i.reportedAt),
      streetId: i.streetId,
    };
  }

  private add(c: Contribution, sign: 1 | -1): void {
    const t = this.totals;
    addTodayCounts(t, c, sign);
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
    ...emptyTodayCounts(),
    byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>,
    hourly: Array.from({ length: 24 }, () => 0),
    streets: new Map<string, StreetTally>(),
  };
}

function emptyStreet(): StreetTally {
  return { intake: 0, resolved: 0, rejected: 0, open: 0, overdue: 0 };
}
