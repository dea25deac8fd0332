import {
  isOpenState,
  summarize,
  type CameraStatus,
  type Delta,
  type Incident,
  type IncidentSummary,
} from '../../shared/index.js';

/**
 * The live picture in memory: open incidents, today's finished ones and camera states, kept
 * current from the delta stream. Snapshots, KPIs, the overdue clock and intake's nearby-incident
 * search read it instead of the database.
 */
export class Board {
  readonly incidents = new Map<string, IncidentSummary>();
  readonly cameras = new Map<string, CameraStatus>();

  constructor(initial: Incident[], cameraIds: string[], statuses: Map<string, CameraStatus>) {
    for (const i of initial) this.incidents.set(i.id, summarize(i));
    for (const id of cameraIds) this.cameras.set(id, statuses.get(id) ?? 'online');
  }

  apply(deltas: readonly Delta[]): void {
    for (const d of deltas) {
      if (d.type === 'incident') this.incidents.set(d.incident.id, d.incident);
      else if (d.type === 'camera') this.cameras.set(d.cameraId, d.status);
    }
  }

  /** Drops finished incidents from before `dayStart`, once the day has turned. */
  prune(dayStart: string): void {
    for (const [id, i] of this.incidents) {
      if (
        !isOpenState(i.state) &&
        (i.closedAt ?? i.updatedAt) < dayStart &&
        i.reportedAt < dayStart
      ) {
        this.incidents.delete(id);
      }
    }
  }
}
