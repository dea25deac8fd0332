import type { Warning } from '../../../shared/domain/warnings.js';
import { apiFetch } from './http.js';

/** `active` is open and acknowledged together: what still asks for attention. */
export type WarningListState = 'active' | 'open' | 'acknowledged' | 'resolved';

export interface WarningListResponse {
  total: number;
  warnings: Warning[];
}

/** Warnings in the user's area (the server scopes them), for duty, operator and leader. */
export function listWarnings(
  filters: { state?: WarningListState; limit?: number; offset?: number } = {},
): Promise<WarningListResponse> {
  const query = new URLSearchParams();
  if (filters.state) query.set('state', filters.state);
  if (filters.limit !== undefined) query.set('limit', String(filters.limit));
  if (filters.offset !== undefined) query.set('offset', String(filters.offset));
  return apiFetch<WarningListResponse>(`/api/v1/warnings?${query}`);
}

/**
 * 确认: someone at a desk has seen it (duty, operator). Refused with `already_acknowledged` or
 * `warning_resolved` (409) when someone was quicker.
 */
export async function acknowledgeWarning(id: string, note?: string): Promise<Warning> {
  const { warning } = await apiFetch<{ warning: Warning }>(
    `/api/v1/warnings/${encodeURIComponent(id)}/acknowledge`,
    { body: note ? { note } : {} },
  );
  return warning;
}

/** 解除: it is over, and the note says why (1–500 characters); duty officers only. */
export async function resolveWarning(id: string, note: string): Promise<Warning> {
  const { warning } = await apiFetch<{ warning: Warning }>(
    `/api/v1/warnings/${encodeURIComponent(id)}/resolve`,
    { body: { note } },
  );
  return warning;
}
