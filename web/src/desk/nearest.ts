import type { LngLat } from '../../../shared/domain/common.js';
import type { Patrol } from '../../../shared/domain/organisation.js';
import type { GridWorker } from '../../../shared/domain/regions.js';
import { distanceMetres } from '../../../shared/geo/distance.js';
import type { PatrolPosition, WorkerPosition } from '../../../shared/realtime/events.js';

export interface WorkerChoice {
  worker: GridWorker;
  /** Walks the incident's own grid. */
  ownGrid: boolean;
  /** On duty now: their phone sent a position. */
  onDuty: boolean;
  /** Straight-line metres from the incident, from the live position when on duty. */
  distance?: number;
}

/**
 * Whom the desk may assign: the grid's own workers first (on duty before off duty, then
 * nearer), then the nearest others on duty. Off-duty workers of other grids are not offered:
 * nobody knows where they are.
 */
export function workerChoices(
  incident: { gridId: string; location: LngLat },
  workers: Iterable<GridWorker>,
  onDuty: readonly WorkerPosition[],
  nearbyLimit = 6,
): WorkerChoice[] {
  const live = new Map(onDuty.map((w) => [w.id, w.position]));
  const own: WorkerChoice[] = [];
  const others: WorkerChoice[] = [];
  for (const worker of workers) {
    const at = live.get(worker.id);
    const choice: WorkerChoice = {
      worker,
      ownGrid: worker.gridIds.includes(incident.gridId),
      onDuty: !!at,
      ...(at ? { distance: distanceMetres(incident.location, at) } : {}),
    };
    if (choice.ownGrid) own.push(choice);
    else if (at) others.push(choice);
  }
  const byDistance = (a: WorkerChoice, b: WorkerChoice) =>
    Number(b.onDuty) - Number(a.onDuty) ||
    (a.distance ?? Infinity) - (b.distance ?? Infinity) ||
    a.worker.name.localeCompare(b.worker.name, 'zh-CN');
  return [...own.sort(byDistance), ...others.sort(byDistance).slice(0, nearbyLimit)];
}

export interface PatrolChoice {
  id: string;
  name: string;
  status: PatrolPosition['status'];
  distance: number;
}

/** The patrols with a live position, nearest first; resting ones after the rest. */
export function patrolChoices(
  location: LngLat,
  positions: readonly PatrolPosition[],
  units: ReadonlyMap<string, Patrol>,
  limit = 8,
): PatrolChoice[] {
  return positions
    .map((p) => ({
      id: p.id,
      name: units.get(p.id)?.name ?? p.id,
      status: p.status,
      distance: distanceMetres(location, p.position),
    }))
    .sort(
      (a, b) =>
        Number(a.status === 'resting') - Number(b.status === 'resting') || a.distance - b.distance,
    )
    .slice(0, limit);
}

/** Metres to say: tens of metres under a kilometre, then kilometres to one decimal. */
export function distanceParts(metres: number): { unit: 'metres' | 'kilometres'; n: string } {
  if (metres < 1000)
    return { unit: 'metres', n: String(Math.max(10, Math.round(metres / 10) * 10)) };
  return { unit: 'kilometres', n: (metres / 1000).toFixed(1) };
}
