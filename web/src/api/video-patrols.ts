import type { TourPlan, TourPlanInput, VideoPatrol } from '../../../shared/domain/video-patrols.js';
import { apiFetch } from './http.js';

/** The tour plans the user sees (the server cuts their cameras to the user's area). */
export async function listTourPlans(): Promise<TourPlan[]> {
  return (await apiFetch<{ plans: TourPlan[] }>('/api/v1/tour-plans')).plans;
}

/** Makes a plan (duty, operator); 400 `invalid_fields` names what is wrong. */
export async function createTourPlan(input: TourPlanInput): Promise<TourPlan> {
  return (await apiFetch<{ plan: TourPlan }>('/api/v1/tour-plans', { body: input })).plan;
}

export async function updateTourPlan(id: string, input: TourPlanInput): Promise<TourPlan> {
  const path = `/api/v1/tour-plans/${encodeURIComponent(id)}`;
  return (await apiFetch<{ plan: TourPlan }>(path, { method: 'PUT', body: input })).plan;
}

export function deleteTourPlan(id: string): Promise<void> {
  return apiFetch<void>(`/api/v1/tour-plans/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** The patrols started on a centre day (YYYY-MM-DD; today when absent). */
export function listVideoPatrols(date?: string): Promise<{ date: string; patrols: VideoPatrol[] }> {
  return apiFetch(`/api/v1/video-patrols${date ? `?date=${encodeURIComponent(date)}` : ''}`);
}

/** Records the start of a run: the plan, the cameras it will page through. */
export async function startVideoPatrol(planId: string, cameraIds: string[]): Promise<VideoPatrol> {
  return (
    await apiFetch<{ patrol: VideoPatrol }>('/api/v1/video-patrols', {
      body: { planId, cameraIds },
    })
  ).patrol;
}

/** Records its end, with the cameras it actually showed. */
export async function endVideoPatrol(id: string, cameraIds: string[]): Promise<VideoPatrol> {
  const path = `/api/v1/video-patrols/${encodeURIComponent(id)}/end`;
  return (await apiFetch<{ patrol: VideoPatrol }>(path, { body: { cameraIds } })).patrol;
}

export async function noteVideoPatrol(id: string, text: string): Promise<VideoPatrol> {
  const path = `/api/v1/video-patrols/${encodeURIComponent(id)}/notes`;
  return (await apiFetch<{ patrol: VideoPatrol }>(path, { body: { text } })).patrol;
}

/**
 * A run's end as its page goes away (a wall switched off, a desk closed): `keepalive` lets the
 * request outlive the page, so the log does not show the run as going on for ever.
 */
export function endVideoPatrolAsPageCloses(
  id: string,
  cameraIds: string[],
  token: string | undefined,
): void {
  void fetch(`/api/v1/video-patrols/${encodeURIComponent(id)}/end`, {
    method: 'POST',
    keepalive: true,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ cameraIds }),
  }).catch(() => undefined);
}
