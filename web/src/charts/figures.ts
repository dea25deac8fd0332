import type { Category, IncidentSummary } from '../../../shared/domain/incidents.js';
import { CATEGORIES } from '../../../shared/domain/vocabulary.js';
import { centreDayStart } from '../../../shared/stats/periods.js';
import { incidentPredicate, type IncidentFilter } from '../stores/filters.js';

/** Upper bounds (hours) of the time-to-close buckets; one more bucket holds the rest. */
export const CLOSE_BUCKETS_H = [1, 4, 8, 24, 72] as const;

/** What the filtered charts draw: today's incidents that pass the screen's filters. */
export interface FilteredFigures {
  byCategory: Record<Category, number>;
  /** Reported per hour of the centre's day. */
  hourly: number[];
  /** Closed today, by how long they took (CLOSE_BUCKETS_H). */
  closeTime: number[];
}

/** Where the tally finds the incidents: the store, and what changed in it since last asked. */
export interface FigureFeed {
  /** The ids changed since the last call, or null when anything may have (a new snapshot). */
  take(): Iterable<string> | null;
  get(id: string): IncidentSummary | undefined;
  all(): Iterable<IncidentSummary>;
}

/**
 * The charts' figures, kept up to date from the store's changes: the charts follow the same
 * filters as the map and the lists, which the server's KPIs (the figures in the tiles) cannot.
 * Counting all 20,000 incidents again at each redraw took the desk ~100 ms of main thread; a
 * change now costs only itself. Everything is counted again on a new snapshot, a new day,
 * another filter, or while the filter has a time window (what it lets through moves with the
 * clock). "Today" is the centre's day (its offset from UTC), as the store's: it holds every
 * incident reported or finished today, whatever zone the screen's PC is set to. Answers the same
 * object while no incident's share moved, so the charts' options are not even built again
 * (useChart skips an option that draws the same).
 */
export class FigureTally {
  private readonly shares = new Map<string, Share>();
  private counts = emptyFigures();
  private answered = emptyFigures();
  private context = '';

  update(
    feed: FigureFeed,
    filter: IncidentFilter,
    now: Date,
    utcOffsetMinutes: number,
  ): FilteredFigures {
    const changed = feed.take();
    const day = new CentreDay(now.getTime(), utcOffsetMinutes);
    const context = `${day.start} ${JSON.stringify(filter)}`;
    const matches = incidentPredicate(filter, now.getTime());
    let moved = false;
    if (changed === null || context !== this.context || filter.withinHours > 0) {
      this.context = context;
      this.shares.clear();
      this.counts = emptyFigures();
      for (const i of feed.all()) this.recount(i.id, shareOf(i, matches, day));
      moved = true;
    } else {
      for (const id of changed) {
        const i = feed.get(id);
        moved = this.recount(id, i && shareOf(i, matches, day)) || moved;
      }
    }
    if (moved) this.answered = structuredClone(this.counts);
    return this.answered;
  }

  /** Moves an incident's share; answers whether it moved. */
  private recount(id: string, next: Share | undefined): boolean {
    const was = this.shares.get(id);
    if (sameShare(was, next)) return false;
    if (was) this.add(was, -1);
    if (next) {
      this.add(next, 1);
      this.shares.set(id, next);
    } else this.shares.delete(id);
    return true;
  }

  private add(s: Share, n: 1 | -1): void {
    if (s.hour !== undefined) {
      this.counts.byCategory[s.category] += n;
      this.counts.hourly[s.hour]! += n;
    }
    if (s.closeBucket !== undefined) this.counts.closeTime[s.closeBucket]! += n;
  }
}

/** What one incident adds to the figures: reported today (its hour), closed today (its bucket). */
interface Share {
  category: Category;
  hour?: number;
  closeBucket?: number;
}

/**
 * Each hour's start of the centre's day as an ISO string: timestamps are ISO strings in UTC, so
 * an incident's hour is found by comparing strings, which costs less than parsing dates.
 */
class CentreDay {
  readonly hourStarts: string[];
  readonly start: string;
  constructor(now: number, utcOffsetMinutes: number) {
    const midnight = centreDayStart(now, utcOffsetMinutes);
    this.hourStarts = Array.from({ length: 24 }, (_, h) =>
      new Date(midnight + h * 3_600_000).toISOString(),
    );
    this.start = this.hourStarts[0]!;
  }
}

function shareOf(
  i: IncidentSummary,
  matches: (i: IncidentSummary) => boolean,
  day: CentreDay,
): Share | undefined {
  const reportedToday = i.reportedAt >= day.start;
  const closedToday = i.closedAt !== null && i.closedAt >= day.start;
  if ((!reportedToday && !closedToday) || !matches(i)) return undefined;
  const share: Share = { category: i.category };
  if (reportedToday) {
    let h = 23;
    while (i.reportedAt < day.hourStarts[h]!) h -= 1;
    share.hour = h;
  }
  if (closedToday) {
    const h = (Date.parse(i.closedAt!) - Date.parse(i.reportedAt)) / 3_600_000;
    const bucket = CLOSE_BUCKETS_H.findIndex((limit) => h <= limit);
    share.closeBucket = bucket === -1 ? CLOSE_BUCKETS_H.length : bucket;
  }
  return share;
}

function sameShare(a: Share | undefined, b: Share | undefined): boolean {
  return (
    a === b ||
    (!!a &&
      !!b &&
      a.category === b.category &&
      a.hour === b.hour &&
      a.closeBucket === b.closeBucket)
  );
}

function emptyFigures(): FilteredFigures {
  return {
    byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>,
    hourly: Array.from({ length: 24 }, () => 0),
    closeTime: Array.from({ length: CLOSE_BUCKETS_H.length + 1 }, () => 0),
  };
}
