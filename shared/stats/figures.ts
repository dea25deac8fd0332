/**
 * The statistics' measures (统计口径). Every incident counts on the day it was reported (its
 * cohort): a matter reported on Monday and closed on Wednesday counts as Monday's, closed. The
 * server keeps these sums per day, area and department as events arrive; figures are
 * computed from sums over any range of days.
 */
export const TALLY_FIELDS = [
  /** 受理量: every matter received, rejected ones included. */
  'intake',
  /** 办结: closed or closed and rated. */
  'closed',
  /** 按时办结: closed with no step's deadline passed before it closed. */
  'closedOnTime',
  /** 超期: a step's deadline passed before the matter closed (回访 after closing aside). */
  'overdue',
  /** 不予受理. */
  'rejected',
  /** Still open. */
  'open',
  /** Milliseconds from report to close, summed over closed matters. */
  'closeMs',
  /** 回访: rated by the citizen; 满意: rated 4 or 5. */
  'rated',
  'satisfied',
  'ratingSum',
  /** Disputes (矛盾纠纷) and those settled (化解: closed). */
  'disputes',
  'disputesResolved',
  /** Reported more than once (重复投诉). */
  'repeats',
  /** 自行处置 by a grid worker, 即办 at the reception. */
  'selfHandled',
  'immediate',
] as const;
export type TallyField = (typeof TALLY_FIELDS)[number];

/** Upper bounds (hours) of the time-to-close histogram's buckets; the last is open-ended. */
export const CLOSE_HOURS_BOUNDS = [
  0.25, 0.5, 1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720,
] as const;
export const HISTOGRAM_SIZE = CLOSE_HOURS_BOUNDS.length + 1;

export type Tally = Record<TallyField, number> & { histogram: number[] };

export function emptyTally(): Tally {
  const t = Object.fromEntries(TALLY_FIELDS.map((f) => [f, 0])) as Record<TallyField, number>;
  return { ...t, histogram: new Array<number>(HISTOGRAM_SIZE).fill(0) };
}

export function addTally(into: Tally, add: Tally, sign = 1): Tally {
  for (const f of TALLY_FIELDS) into[f] += sign * add[f];
  add.histogram.forEach((n, i) => (into.histogram[i]! += sign * n));
  return into;
}

/** The bucket a time to close falls in. */
export function closeBucket(ms: number): number {
  const hours = ms / 3_600_000;
  const i = CLOSE_HOURS_BOUNDS.findIndex((bound) => hours <= bound);
  return i === -1 ? CLOSE_HOURS_BOUNDS.length : i;
}

/** The headline figures of a period; a rate is null where nothing was there to count. */
export interface Figures {
  intake: number;
  closed: number;
  /** 办结率: closed among those received and not rejected. */
  closeRate: number | null;
  /** 按时办结率: closed on time among those closed. */
  onTimeRate: number | null;
  overdue: number;
  meanCloseHours: number | null;
  /** The 90th percentile of the time to close, read from the histogram (within its bucket). */
  p90CloseHours: number | null;
  /** 满意率: rated 4 or 5 among those rated. */
  satisfaction: number | null;
  /** 化解率: disputes settled among disputes. */
  disputeResolveRate: number | null;
  /** 重复投诉率: matters reported more than once among those received. */
  repeatRate: number | null;
  selfHandled: number;
  immediate: number;
  /** 即办率 and 自行处置率 among those received. */
  immediateRate: number | null;
  selfHandledRate: number | null;
  open: number;
}

/** The figures that are rates (0..1): shown as percentages, and what an index may weigh. */
export const RATE_FIGURES = [
  'closeRate',
  'onTimeRate',
  'satisfaction',
  'disputeResolveRate',
  'repeatRate',
  'immediateRate',
  'selfHandledRate',
] as const satisfies readonly (keyof Figures)[];
export type RateFigure = (typeof RATE_FIGURES)[number];

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

export function figuresOf(t: Tally): Figures {
  return {
    intake: t.intake,
    closed: t.closed,
    closeRate: ratio(t.closed, t.intake - t.rejected),
    onTimeRate: ratio(t.closedOnTime, t.closed),
    overdue: t.overdue,
    meanCloseHours: t.closed > 0 ? t.closeMs / t.closed / 3_600_000 : null,
    p90CloseHours: percentileHours(t.histogram, 0.9),
    satisfaction: ratio(t.satisfied, t.rated),
    disputeResolveRate: ratio(t.disputesResolved, t.disputes),
    repeatRate: ratio(t.repeats, t.intake),
    selfHandled: t.selfHandled,
    immediate: t.immediate,
    immediateRate: ratio(t.immediate, t.intake),
    selfHandledRate: ratio(t.selfHandled, t.intake),
    open: t.open,
  };
}

/** A percentile of the histogram, interpolated within its bucket. */
export function percentileHours(histogram: readonly number[], q: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    const n = histogram[i]!;
    if (seen + n >= rank && n > 0) {
      const lower = i === 0 ? 0 : CLOSE_HOURS_BOUNDS[i - 1]!;
      const upper = CLOSE_HOURS_BOUNDS[i] ?? lower * 2;
      return lower + ((rank - seen) / n) * (upper - lower);
    }
    seen += n;
  }
  return CLOSE_HOURS_BOUNDS.at(-1)!;
}

/** A department's record (部门考核) over a period. */
export const DEPARTMENT_FIELDS = [
  /** Matters it was sent (派单). */
  'assigned',
  /** 签收/报到, and within the respond limit. */
  'responded',
  'respondedOnTime',
  /** Its matters closed, and closed with no deadline passed. */
  'finished',
  'finishedOnTime',
  /** Sent back by it as not its own (退回). */
  'returned',
  'rated',
  'satisfied',
] as const;
export type DepartmentField = (typeof DEPARTMENT_FIELDS)[number];
export type DepartmentTally = Record<DepartmentField, number>;

export interface DepartmentFigures extends DepartmentTally {
  respondOnTimeRate: number | null;
  finishOnTimeRate: number | null;
  returnRate: number | null;
  satisfaction: number | null;
}

export function departmentFiguresOf(t: DepartmentTally): DepartmentFigures {
  return {
    ...t,
    respondOnTimeRate: ratio(t.respondedOnTime, t.responded),
    finishOnTimeRate: ratio(t.finishedOnTime, t.finished),
    returnRate: ratio(t.returned, t.assigned),
    satisfaction: ratio(t.satisfied, t.rated),
  };
}
