/**
 * Periods of the statistics (统计周期), in the centre's calendar: local days 'YYYY-MM-DD'. A
 * period is a range of whole days; each has a previous period (环比) of the same kind and the
 * same period a year before (同比).
 */
export const PERIOD_KINDS = ['day', 'week', 'month', 'quarter', 'year', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface DayRange {
  /** First day, inclusive. */
  from: string;
  /** Last day, inclusive. */
  to: string;
}

export interface Period extends DayRange {
  kind: PeriodKind;
  previous: DayRange;
  lastYear: DayRange;
  /** The period runs on past today: it is counted to today, and its comparisons as far in. */
  toDate?: boolean;
}

const DAY_MS = 86_400_000;

export function dayLabel(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/** The centre's calendar day of an instant (ms), YYYY-MM-DD, at the centre's offset from UTC. */
export function centreDay(ms: number, utcOffsetMinutes: number): string {
  return dayLabel(ms + utcOffsetMinutes * 60_000);
}

/** The instant (ms) the centre's day containing `ms` began. */
export function centreDayStart(ms: number, utcOffsetMinutes: number): number {
  const offset = utcOffsetMinutes * 60_000;
  const local = ms + offset;
  return local - (((local % DAY_MS) + DAY_MS) % DAY_MS) - offset;
}

/** An instant on the centre's clock: 'YYYY-MM-DD HH:mm', or with seconds. */
export function centreClock(ms: number, utcOffsetMinutes: number, seconds = false): string {
  const text = new Date(ms + utcOffsetMinutes * 60_000).toISOString();
  return text.slice(0, seconds ? 19 : 16).replace('T', ' ');
}

/** The number of days in a range. */
export function daysIn({ from, to }: DayRange): number {
  return Math.round((dayMs(to) - dayMs(from)) / DAY_MS) + 1;
}

/** Every day of a range, in order. */
export function eachDay({ from, to }: DayRange): string[] {
  const out: string[] = [];
  for (let t = dayMs(from); t <= dayMs(to); t += DAY_MS) out.push(dayLabel(t));
  return out;
}

function shiftYear(day: string, years: number): string {
  const d = new Date(dayMs(day));
  const target = new Date(Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), 1));
  // 29 February a year on or back is 28 February.
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0));
  target.setUTCDate(Math.min(d.getUTCDate(), last.getUTCDate()));
  return dayLabel(target.getTime());
}

function monthStart(y: number, m: number): number {
  return Date.UTC(y, m, 1);
}

/**
 * The period of `kind` containing `day` (weeks start on Monday), or for `custom` the range
 * `day`..`to`. The previous period is the one just before, of the same length in days for
 * weeks and custom ranges and the calendar's own for months, quarters and years.
 */
export function periodOf(kind: PeriodKind, day: string, to?: string): Period {
  const t = dayMs(day);
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  let range: DayRange;
  let previous: DayRange;
  switch (kind) {
    case 'day':
      range = { from: day, to: day };
      previous = { from: dayLabel(t - DAY_MS), to: dayLabel(t - DAY_MS) };
      break;
    case 'week': {
      const monday = t - ((d.getUTCDay() + 6) % 7) * DAY_MS;
      range = { from: dayLabel(monday), to: dayLabel(monday + 6 * DAY_MS) };
      previous = { from: dayLabel(monday - 7 * DAY_MS), to: dayLabel(monday - DAY_MS) };
      break;
    }
    case 'month':
      range = {
        from: dayLabel(monthStart(y, m)),
        to: dayLabel(monthStart(y, m + 1) - DAY_MS),
      };
      previous = {
        from: dayLabel(monthStart(y, m - 1)),
        to: dayLabel(monthStart(y, m) - DAY_MS),
      };
      break;
    case 'quarter': {
      const q = m - (m % 3);
      range = {
        from: dayLabel(monthStart(y, q)),
        to: dayLabel(monthStart(y, q + 3) - DAY_MS),
      };
      previous = {
        from: dayLabel(monthStart(y, q - 3)),
        to: dayLabel(monthStart(y, q) - DAY_MS),
      };
      break;
    }
    case 'year':
      range = { from: `${y}-01-01`, to: `${y}-12-31` };
      previous = { from: `${y - 1}-01-01`, to: `${y - 1}-12-31` };
      break;
    case 'custom': {
      const end = to ?? day;
      range = { from: day, to: end };
      const n = daysIn(range);
      previous = { from: dayLabel(t - n * DAY_MS), to: dayLabel(t - DAY_MS) };
      break;
    }
  }
  return {
    kind,
    ...range,
    previous,
    lastYear: { from: shiftYear(range.from, -1), to: shiftYear(range.to, -1) },
  };
}

/**
 * A period that has not ended yet (this month, this year) cut at `today`, and its previous
 * period and last year's cut as many days in: the first three days of a month are compared
 * with the first three days of the month before, not with all of it.
 */
export function clipToToday(period: Period, today: string): Period {
  if (period.to <= today || period.from > today) return period;
  const elapsed = daysIn({ from: period.from, to: today });
  const cut = (r: DayRange): DayRange => {
    const to = dayLabel(dayMs(r.from) + (elapsed - 1) * DAY_MS);
    return { from: r.from, to: to < r.to ? to : r.to };
  };
  return {
    ...period,
    to: today,
    previous: cut(period.previous),
    lastYear: cut(period.lastYear),
    toDate: true,
  };
}
