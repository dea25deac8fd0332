import type { Camera, CameraSite } from '../../../shared/domain/cameras.js';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import { camerasCovering } from '../../../shared/geo/camera-view.js';

/** What the wall's tour is showing: the whole city, one district, or the overdue board. */
export type TourView =
  { kind: 'city' } | { kind: 'region'; id: string; name: string } | { kind: 'overdue' };

/** Where trouble shows first, so a touring wall looks there first. */
const SITE_PRIORITY: readonly CameraSite[] = [
  'transport',
  'school',
  'hospital',
  'market',
  'crossing',
  'main-road',
  'residential',
  'riverside',
  'village-road',
];

/**
 * The cameras a touring wall shows for a view (视频轮巡): for a district its busiest kinds of
 * place; for the city the same, taken district by district so every district is seen; for the
 * overdue board, a camera on each overdue incident first. Online cameras only.
 */
export function tourCameras(
  view: TourView,
  cameras: readonly Camera[],
  districtOf: (camera: Camera) => string | undefined,
  overdue: readonly IncidentSummary[],
  count: number,
): string[] {
  const online = cameras.filter((c) => c.status === 'online');
  const ranked = (list: Camera[]) =>
    [...list].sort(
      (a, b) =>
        SITE_PRIORITY.indexOf(a.site) - SITE_PRIORITY.indexOf(b.site) || a.id.localeCompare(b.id),
    );
  if (view.kind === 'region') {
    return ranked(online.filter((c) => districtOf(c) === view.id))
      .slice(0, count)
      .map((c) => c.id);
  }
  const picked = new Set<string>();
  if (view.kind === 'overdue') {
    for (const incident of overdue) {
      const hit = camerasCovering(online, incident.location, 1)[0];
      if (hit) picked.add(hit.camera.id);
      if (picked.size >= count) break;
    }
  }
  const byDistrict = new Map<string, Camera[]>();
  for (const c of ranked(online)) {
    const d = districtOf(c) ?? '';
    const list = byDistrict.get(d) ?? [];
    list.push(c);
    byDistrict.set(d, list);
  }
  const queues = [...byDistrict.values()];
  for (let round = 0; picked.size < count && queues.some((q) => q.length > round); round++) {
    for (const q of queues) {
      const c = q[round];
      if (c && picked.size < count) picked.add(c.id);
    }
  }
  return [...picked];
}
