import type { Camera } from '../../../shared/domain/cameras.js';
import type { IncidentSummary, Severity } from '../../../shared/domain/incidents.js';
import { camerasCovering } from '../../../shared/geo/camera-view.js';

/** New incidents this grave open their cameras on the wall without anyone asking. */
export const LINKAGE_SEVERITIES: readonly Severity[] = ['high', 'critical'];

/**
 * The cameras to open for an incident (联动): the camera that raised a video alarm first, then
 * every camera whose field of view covers the spot, nearest first. Offline cameras are left out.
 */
export function camerasForIncident(
  incident: Pick<IncidentSummary, 'location' | 'cameraId'>,
  cameras: Iterable<Camera>,
  limit = 16,
): string[] {
  const ids = camerasCovering(cameras, incident.location).map((h) => h.camera.id);
  const first = incident.cameraId ? [incident.cameraId] : [];
  return [...new Set([...first, ...ids])].slice(0, limit);
}
