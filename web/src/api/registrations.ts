import type { IntakeOutcome, Registration, VideoPatrolReport } from '../../../shared/api/intake.js';
import { apiFetch } from './http.js';

export type { Registration } from '../../../shared/api/intake.js';

/**
 * The reception's registration (登记) of a walk-in, call or letter; with `answer`, 即办: closed
 * in the same step.
 */
export function register(registration: Registration): Promise<IntakeOutcome> {
  return apiFetch<IntakeOutcome>('/api/v1/registrations', { body: registration });
}

/** What an operator saw on a camera's tile (视频巡查), with the snapshot, at the camera's place. */
export function reportFromCamera(
  cameraId: string,
  report: VideoPatrolReport,
): Promise<IntakeOutcome> {
  return apiFetch<IntakeOutcome>(`/api/v1/cameras/${encodeURIComponent(cameraId)}/reports`, {
    body: report,
  });
}
