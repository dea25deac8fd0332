import type { LngLat } from '../domain/common.js';
import type { Camera } from '../domain/cameras.js';
import { bearingDegrees, destination, distanceMetres } from './distance.js';

export interface CameraHit {
  camera: Camera;
  distance: number;
}

/** Whether the point lies inside the camera's view cone (within range and the view angle). */
export function cameraSees(
  camera: Pick<Camera, 'position' | 'bearing' | 'fov' | 'range'>,
  point: LngLat,
): boolean {
  const d = distanceMetres(camera.position, point);
  if (d > camera.range) return false;
  if (camera.fov >= 360 || d < 1) return true;
  const off = Math.abs(
    ((bearingDegrees(camera.position, point) - camera.bearing + 540) % 360) - 180,
  );
  return off <= camera.fov / 2;
}

/**
 * The cameras whose field of view covers a point, nearest first: what an operator wants on the
 * wall the moment something happens there. Cameras that are offline are left out.
 */
export function camerasCovering(
  cameras: Iterable<Camera>,
  point: LngLat,
  limit = Infinity,
): CameraHit[] {
  const hits: CameraHit[] = [];
  for (const camera of cameras) {
    if (camera.status === 'offline' || !cameraSees(camera, point)) continue;
    hits.push({ camera, distance: distanceMetres(camera.position, point) });
  }
  return hits
    .sort((a, b) => a.distance - b.distance || a.camera.id.localeCompare(b.camera.id))
    .slice(0, limit);
}

/** The view cone as a closed polygon ring, for drawing on the map. */
export function viewCone(
  camera: Pick<Camera, 'position' | 'bearing' | 'fov' | 'range'>,
  steps = 12,
): LngLat[] {
  const fov = Math.min(camera.fov, 359.9);
  const start = camera.bearing - fov / 2;
  const arc = Array.from({ length: steps + 1 }, (_, i) =>
    destination(camera.position, (start + (fov * i) / steps + 360) % 360, camera.range),
  );
  return [camera.position, ...arc, camera.position];
}
