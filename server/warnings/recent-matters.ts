import {
  distanceMetres,
  type Area,
  type IncidentSummary,
  type LngLat,
} from '../../shared/index.js';

// About 330 m of latitude: cells at least as wide as any radius asked of `near` up to 300 m; a
// wider radius reads more cells around the point.
const CELL_DEG = 0.003;
const ROW = 1_000_000;

export interface RecentMatter {
  id: string;
  location: LngLat;
  area: Area;
  reportedMs: number;
}

/**
 * The matters of one kind reported within the last few days, bucketed by place, so that "how many
 * like this near here lately" costs a few cells, not a scan of the week.
 */
export class RecentMatters {
  private readonly cells = new Map<number, RecentMatter[]>();
  private readonly seen = new Set<string>();

  constructor(private readonly windowMs: number) {}

  add(incident: IncidentSummary): void {
    if (this.seen.has(incident.id)) return;
    this.seen.add(incident.id);
    const cell = cellOf(incident.location);
    const list = this.cells.get(cell) ?? [];
    list.push({
      id: incident.id,
      location: incident.location,
      area: {
        gridId: incident.gridId,
        communityId: incident.communityId,
        streetId: incident.streetId,
        districtId: incident.districtId,
      },
      reportedMs: Date.parse(incident.reportedAt),
    });
    this.cells.set(cell, list);
  }

  /** The matters within `radiusM` of `at` reported since `now - window`, oldest first. */
  near(at: LngLat, radiusM: number, nowMs: number): RecentMatter[] {
    const since = nowMs - this.windowMs;
    const reach = Math.ceil(radiusM / 330);
    const [col, row] = [Math.floor(at[0] / CELL_DEG), Math.floor(at[1] / CELL_DEG)];
    const found: RecentMatter[] = [];
    for (let dr = -reach; dr <= reach; dr++) {
      for (let dc = -reach; dc <= reach; dc++) {
        for (const e of this.cells.get((row + dr) * ROW + (col + dc)) ?? []) {
          if (e.reportedMs >= since && distanceMetres(at, e.location) <= radiusM) found.push(e);
        }
      }
    }
    return found.sort((a, b) => a.reportedMs - b.reportedMs);
  }

  /** Forgets what left the window. */
  prune(nowMs: number): void {
    const since = nowMs - this.windowMs;
    for (const [cell, list] of this.cells) {
      const kept = list.filter((e) => e.reportedMs >= since);
      for (const e of list) if (e.reportedMs < since) this.seen.delete(e.id);
      if (kept.length) this.cells.set(cell, kept);
      else this.cells.delete(cell);
    }
  }
}

function cellOf([lng, lat]: LngLat): number {
  return Math.floor(lat / CELL_DEG) * ROW + Math.floor(lng / CELL_DEG);
}
