import type { FieldReport, FieldTasksResponse, IntakeOutcome } from '../../../shared/api/intake.js';
import type { TrailPoint } from '../../../shared/api/field.js';
import { apiFetch } from './http.js';

export type { FieldReport, FieldTasksResponse, IntakeOutcome } from '../../../shared/api/intake.js';

/**
 * A report from the phone under the worker's own identity. Sent again with the same
 * `externalId` after a lost answer, it answers `duplicate` with the same incident.
 */
export function sendFieldReport(report: FieldReport): Promise<IntakeOutcome> {
  return apiFetch<IntakeOutcome>('/api/v1/field/reports', { body: report });
}

/** The phone's own tasks and its recent reports. */
export function fetchTasks(): Promise<FieldTasksResponse> {
  return apiFetch<FieldTasksResponse>('/api/v1/field/tasks');
}

/** Where the phone is (on duty); crs is the system the position is in (GPS: wgs84). */
export function sendPosition(fix: {
  lng: number;
  lat: number;
  accuracy?: number;
  heading?: number;
  at?: string;
  crs?: 'wgs84' | 'gcj02' | 'bd09';
}): Promise<void> {
  return apiFetch<void>('/api/v1/field/position', { body: fix });
}

/** Off duty: the worker leaves the map at once. */
export function goOffDuty(): Promise<void> {
  return apiFetch<void>('/api/v1/field/position', { method: 'DELETE' });
}

/** A grid worker's (`grid:<id>`) or patrol's (`patrol:<id>`) recent trail. */
export function fetchTrail(key: string): Promise<{ points: TrailPoint[] }> {
  return apiFetch<{ points: TrailPoint[] }>(`/api/v1/field/trails/${encodeURIComponent(key)}`);
}
