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

/** More than twice the columns around the globe (360° / CELL_DEG), so row and column make one number. */
const ROW = 1_000_000;

/**
 * A little under a degree of latitude on the sphere `distanceMetres` uses: no two points are
 * closer than their difference in latitude, so one subtraction rules most candidates out.
 */
const METRES_PER_DEG_LAT_AT_MOST = 111_000;

interface Entry {
  incident: IncidentSummary;
  /** `reportedAt` parsed once, not at every match. */
  reportedMs: number;
}

/** Open, attachable incidents bucketed by category and place, for intake's deduplication. */
export class NearbyIncidents {
  private readonly cells = new Map<Category, Map<number, Map<string, Entry>>>();
  private readonly cellOf = new Map<string, { category: Category; cell: number }>();

  constructor(initial: Iterable<IncidentSummary>) {
    for (const i of initial) this.put(i);
  }

  apply(deltas: readonly Delta[]): void {
    for (const d of deltas) if (d.type === 'incident') this.put(d.incident);
  }

  /** Tracks an incident's latest version (or forgets it once it can no longer take reports). */
  put(incident: IncidentSummary): void {
    const old = this.cellOf.get(incident.id);
    if (old) this.cells.get(old.category)?.get(old.cell)?.delete(incident.id);
    this.cellOf.delete(incident.id);
    if (!ATTACHABLE_STATES.includes(incident.state)) return;
    const { category, location } = incident;
    const cell = cellOf(location, 0, 0);
    let byCell = this.cells.get(category);
    if (!byCell) this.cells.set(category, (byCell = new Map()));
    let entries = byCell.get(cell);
    if (!entries) byCell.set(cell, (entries = new Map()));
    entries.set(incident.id, { incident, reportedMs: Date.parse(incident.reportedAt) });
    this.cellOf.set(incident.id, { category, cell });
  }

  /** The nearest incident a report of this category at this place and time should join. */
  match(
    category: Category,
    at: LngLat,
    now: number,
    cameraId: string | undefined,
  ): IncidentSummary | undefined {
    const byCell = this.cells.get(category);
    if (!byCell) return undefined;
    let best: IncidentSummary | undefined;
    let bestDistance = ATTACH_RADIUS_M[category];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const { incident, reportedMs } of byCell.get(cellOf(at, dx, dy))?.values() ?? []) {
          if (now - reportedMs > ATTACH_WINDOW_MS) continue;
          if (category === 'video-alarm' && incident.cameraId !== (cameraId ?? null)) continue;
          const dLat = Math.abs(incident.location[1] - at[1]) * METRES_PER_DEG_LAT_AT_MOST;
          if (dLat > bestDistance) continue;
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

function cellOf([lng, lat]: LngLat, dx: number, dy: number): number {
  return (Math.floor(lat / CELL_DEG) + dy) * ROW + Math.floor(lng / CELL_DEG) + dx;
}
