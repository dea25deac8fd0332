import {
  isOpenState,
  summarize,
  type CameraStatus,
  type Delta,
  type Incident,
  type IncidentSummary,
  type Warning,
} from '../../shared/index.js';

/**
 * The live picture in memory: open incidents, today's finished ones, camera states and the
 * warnings not yet resolved, kept
 * current from the delta stream. Snapshots, KPIs, the overdue clock and intake's nearby-incident
 * search read it instead of the database.
 */
export class Board {
  readonly incidents = new Map<string, IncidentSummary>();
  readonly cameras = new Map<string, CameraStatus>();
  readonly warnings = new Map<string, Warning>();

  constructor(
    initial: Incident[],
    cameraIds: string[],
    statuses: Map<string, CameraStatus>,
    warnings: readonly Warning[] = [],
  ) {
    for (const i of initial) this.incidents.set(i.id, summarize(i));
    for (const id of cameraIds) this.cameras.set(id, statuses.get(id) ?? 'online');
    for (const w of warnings) this.warnings.set(w.id, w);
  }

  apply(deltas: readonly Delta[]): void {
    for (const d of deltas) {
      if (d.type === 'incident') this.incidents.set(d.incident.id, d.incident);
      else if (d.type === 'camera') this.cameras.set(d.cameraId, d.status);
      else if (d.warning.state === 'resolved') this.warnings.delete(d.warning.id);
      else this.warnings.set(d.warning.id, d.warning);
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
