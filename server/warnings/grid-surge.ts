import type { Store } from '../store/store.js';
import type { WarningsConfig } from './config.js';

const WEEK_MS = 7 * 86_400_000;

/**
 * P(X ≥ k) for X ~ Poisson(λ): how likely k or more matters in a week would come by chance to a
 * grid that gets λ in an ordinary one. Summed up to k − 1 in the order the terms grow, exact
 * enough for the small k and λ of one grid's week.
 */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  let term = Math.exp(-lambda);
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= lambda / (i + 1);
  }
  return Math.max(0, 1 - below);
}

/** A grid's week as the rule sees it. */
export interface Surge {
  count: number;
  /** Its weekly mean over `weeks` weeks before. */
  baseline: number;
  weeks: number;
  p: number;
  significant: boolean;
}

/**
 * Each grid's last 7 days against its own weeks before (网格事项异常增多): counts read from the
 * store every hour (grouped by grid over the reported-at index), the last 7 days counted on as
 * matters arrive between reads.
 */
export class GridSurge {
  private thisWeek = new Map<string, number>();
  private before = new Map<string, number>();
  private weeks = 0;

  constructor(private readonly rule: WarningsConfig['gridSurge']) {}

  async refresh(store: Store, now: Date): Promise<void> {
    const weekStart = new Date(now.getTime() - WEEK_MS);
    const from = new Date(weekStart.getTime() - this.rule.weeks * WEEK_MS);
    const first = await store.firstReportedAt();
    // Only whole weeks the history covers count: a new centre's mean is not made of empty weeks.
    this.weeks = first
      ? Math.min(
          this.rule.weeks,
          Math.max(0, Math.floor((weekStart.getTime() - Date.parse(first)) / WEEK_MS)),
        )
      : 0;
    const coveredFrom = new Date(weekStart.getTime() - this.weeks * WEEK_MS);
    [this.thisWeek, this.before] = await Promise.all([
      store.incidentsByGrid(weekStart.toISOString(), now.toISOString()),
      store.incidentsByGrid(
        (coveredFrom > from ? coveredFrom : from).toISOString(),
        weekStart.toISOString(),
      ),
    ]);
  }

  /** One more matter in the grid this week; what its week now looks like. */
  add(gridId: string): Surge | undefined {
    this.thisWeek.set(gridId, (this.thisWeek.get(gridId) ?? 0) + 1);
    return this.of(gridId);
  }

  /** The grid's week, or undefined while its history is too short to judge. */
  of(gridId: string): Surge | undefined {
    if (this.weeks < this.rule.minWeeks) return undefined;
    const count = this.thisWeek.get(gridId) ?? 0;
    // A grid that had nothing for weeks still gets a matter now and then: half a week's worth.
    const baseline = Math.max((this.before.get(gridId) ?? 0) / this.weeks, 0.5 / this.weeks);
    const p = poissonUpperTail(count, baseline);
    return {
      count,
      baseline: Math.round(baseline * 10) / 10,
      weeks: this.weeks,
      p: Number(p.toPrecision(2)),
      significant: count >= this.rule.minCount && p < this.rule.p,
    };
  }
}
