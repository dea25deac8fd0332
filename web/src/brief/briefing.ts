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

export const REPORT_KINDS = ['day', 'week', 'month'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
