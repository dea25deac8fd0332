import type {
  ActionResponse,
  IncidentDetailResponse,
  IncidentListResponse,
  IncidentReportsResponse,
} from '../../../shared/api/incidents.js';
import type { Incident } from '../../../shared/domain/incidents.js';
import type { ActionRequest } from '../../../shared/workflow/actions.js';
import { apiFetch } from './http.js';

export type { IncidentDetailResponse } from '../../../shared/api/incidents.js';

export interface IncidentFilters {
  state?: string[];
  category?: string[];
  region?: string;
  from?: string;
  to?: string;
  overdue?: boolean;
  limit?: number;
  offset?: number;
}

export function listIncidents(filters: IncidentFilters = {}): Promise<IncidentListResponse> {
  const query = new URLSearchParams();
  if (filters.state?.length) query.set('state', filters.state.join(','));
  if (filters.category?.length) query.set('category', filters.category.join(','));
  if (filters.region) query.set('region', filters.region);
  if (filters.from) query.set('from', filters.from);
  if (filters.to) query.set('to', filters.to);
  if (filters.overdue !== undefined) query.set('overdue', String(filters.overdue));
  if (filters.limit !== undefined) query.set('limit', String(filters.limit));
  if (filters.offset !== undefined) query.set('offset', String(filters.offset));
  return apiFetch<IncidentListResponse>(`/api/v1/incidents?${query}`);
}

/** One incident with its timeline and short-lived links to its photos. */
export function fetchIncident(id: string): Promise<IncidentDetailResponse> {
  return apiFetch<IncidentDetailResponse>(`/api/v1/incidents/${encodeURIComponent(id)}`);
}

export function fetchReports(
  id: string,
  page: { limit: number; offset: number },
): Promise<IncidentReportsResponse> {
  return apiFetch<IncidentReportsResponse>(
    `/api/v1/incidents/${encodeURIComponent(id)}/reports?limit=${page.limit}&offset=${page.offset}`,
  );
}

/**
 * The one way every screen acts on an incident (the workflow's state machine on the server).
 * Refusals are ApiErrors with a code (stale_version, department_mismatch, …).
 */
export async function actOn(id: string, request: ActionRequest): Promise<Incident> {
  const { incident } = await apiFetch<ActionResponse>(
    `/api/v1/incidents/${encodeURIComponent(id)}/actions`,
    { body: request },
  );
  return incident;
}
