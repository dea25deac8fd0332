import {
  distanceMetres,
  type Category,
  type Delta,
  type IncidentSummary,
  type LngLat,
} from '../../shared/index.js';
import { ATTACH_RADIUS_M, ATTACHABLE_STATES, ATTACH_WINDOW_MS } from './attach-rule.js';

// About 330 m of latitude: larger than every attach radius, so the 3x3 block around a point
// holds every candidate.
const CELL_DEG = 0.003;

/** Open, attachable incidents bucketed by category and place, for intake's deduplication. */
export class NearbyIncidents {
  private readonly cells = new Map<string, Map<string, IncidentSummary>>();
  private readonly cellOf = new Map<string, string>();

  constructor(initial: Iterable<IncidentSummary>) {
    for (const i of initial) this.put(i);
  }

  apply(deltas: readonly Delta[]): void {
    for (const d of deltas) if (d.type === 'incident') this.put(d.incident);
  }

  /** Tracks an incident's latest version (or forgets it once it can no longer take reports). */
  put(incident: IncidentSummary): void {
    const old = this.cellOf.get(incident.id);
    if (old) this.cells.get(old)?.delete(incident.id);
    this.cellOf.delete(incident.id);
    if (!ATTACHABLE_STATES.includes(incident.state)) return;
    const key = cellKey(incident.category, incident.location, 0, 0);
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = new Map()));
    cell.set(incident.id, incident);
    this.cellOf.set(incident.id, key);
  }

  /** The nearest incident a report of this category at this place and time should join. */
  match(
    category: Category,
    at: LngLat,
    now: number,
    cameraId: string | undefined,
  ): IncidentSummary | undefined {
    let best: IncidentSummary | undefined;
    let bestDistance = ATTACH_RADIUS_M[category];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const incident of this.cells.get(cellKey(category, at, dx, dy))?.values() ?? []) {
          if (now - Date.parse(incident.reportedAt) > ATTACH_WINDOW_MS) continue;
          if (category === 'video-alarm' && incident.cameraId !== (cameraId ?? null)) continue;
          const d = distanceMetres(incident.location, at);
          if (d <= bestDistance) {
            best = incident;
            bestDistance = d;
          }
        }
      }
    }
    return best;
  }
}

function cellKey(category: Category, [lng, lat]: LngLat, dx: number, dy: number): string {
  return `${category}:${Math.floor(lng / CELL_DEG) + dx}:${Math.floor(lat / CELL_DEG) + dy}`;
}
