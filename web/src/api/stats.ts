import type { PeriodKind, RankingAnswer, StatsAnswer } from '../../../shared/index.js';
import { apiFetch } from './http.js';

export interface StatsQuery {
  period: PeriodKind;
  /** A day of the period (YYYY-MM-DD); a custom range's first day. */
  date?: string;
  to?: string;
  area?: string;
}

function query(q: object): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return params.toString();
}

/** One area over a period, compared with the one before and a year before (the server scopes it). */
export function fetchStats(q: StatsQuery): Promise<StatsAnswer> {
  return apiFetch<StatsAnswer>(`/api/v1/stats?${query(q)}`);
}

/** 指数排行 of streets or communities over a period. */
export function fetchRanking(
  q: StatsQuery & { level: 'street' | 'community' },
): Promise<RankingAnswer> {
  return apiFetch<RankingAnswer>(`/api/v1/stats/ranking?${query({ ...q, area: undefined })}`);
}

/**
 * Downloads one table as XLSX. The file comes with the session's bearer token, so it is fetched
 * and handed to the browser as a blob rather than opened as a link.
 */
export async function downloadStats(
  q: StatsQuery & { table: string; level?: string; lang: string },
  token: string,
): Promise<void> {
  const res = await fetch(`/api/v1/stats/export.xlsx?${query(q)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`export failed (${res.status})`);
  const name =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'stats.xlsx';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface PointsAnswer {
  truncated: boolean;
  points: [number, number][];
}

/** Where the incidents of a period happened, for the heat map (newest first, capped). */
export function fetchPoints(q: StatsQuery & { limit?: number }): Promise<PointsAnswer> {
  return apiFetch<PointsAnswer>(`/api/v1/stats/points?${query(q)}`);
}
