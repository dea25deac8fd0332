import type { IncidentSummary } from '../../../shared/index.js';

const URGENT = new Set(['high', 'critical']);
const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/**
 * 今日要情: today's high and critical matters (the centre's day from `dayStart`), the gravest
 * first and within that the newest, at most `limit`.
 */
export function todaysMajorIncidents(
  incidents: Iterable<IncidentSummary>,
  dayStart: string,
  limit = 8,
): IncidentSummary[] {
  return [...incidents]
    .filter((i) => URGENT.has(i.severity) && i.reportedAt >= dayStart)
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        b.reportedAt.localeCompare(a.reportedAt),
    )
    .slice(0, limit);
}

/** The instant the centre's day containing `now` began (UTC+offset), as ISO. */
export function centreDayStart(now: number, offsetMinutes = 480): string {
  const local = now + offsetMinutes * 60_000;
  return new Date(local - (local % 86_400_000) - offsetMinutes * 60_000).toISOString();
}

/** The centre's calendar day of an instant, YYYY-MM-DD. */
export function centreDay(now: number, offsetMinutes = 480): string {
  return new Date(now + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

export const REPORT_KINDS = ['day', 'week', 'month'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
