import type { ReplayAnswer } from '../../../shared/index.js';
import { apiFetch } from './http.js';

/** A past stretch's incidents with their histories (复盘); the server keeps it to one's area. */
export function fetchReplay(q: { from: string; to: string; area?: string }): Promise<ReplayAnswer> {
  const params = new URLSearchParams({ from: q.from, to: q.to });
  if (q.area) params.set('area', q.area);
  return apiFetch<ReplayAnswer>(`/api/v1/replay?${params.toString()}`);
}
