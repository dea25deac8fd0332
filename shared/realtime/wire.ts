import type { CameraStatus } from '../domain/cameras.js';
import type { LngLat } from '../domain/common.js';
import type {
  Assignment,
  Category,
  Deadline,
  DeadlineStep,
  IncidentState,
  IncidentSummary,
  Severity,
  Source,
} from '../domain/incidents.js';
import type { Delta, Snapshot } from './events.js';

/**
 * How the live stream carries deltas and snapshots: each incident summary as its values in a
 * fixed order, without its keys. Every screen receives every change, so a delta's bytes go out
 * once per screen: the keys were a third of each one. The REST API keeps plain objects.
 *
 * The order is the contract: a field added to the summary must be added here, at the end, on
 * both sides at once; `unpackIncident` does not compile until it is.
 */
export type PackedIncident = [
  id: string,
  version: number,
  title: string,
  category: Category,
  severity: Severity,
  groupRisk: boolean,
  source: Source,
  location: LngLat,
  gridId: string,
  communityId: string,
  streetId: string,
  districtId: string,
  cameraId: string | null,
  state: IncidentState,
  assignments: PackedAssignment[],
  gridWorkerId: string | null,
  deadline: PackedDeadline | null,
  reportedAt: string,
  updatedAt: string,
  closedAt: string | null,
  rating: number | null,
  reportCount: number,
  wasOverdue: boolean,
];
type PackedAssignment = [
  departmentId: string,
  respondedAt: string | null,
  reportedAt: string | null,
];
type PackedDeadline = [step: DeadlineStep, dueAt: string, extensions: number, flagged: boolean];

/** A delta with its sequence number first: `[seq, at, 0, incident]` or `[seq, at, 1, camera, status]`. */
export type PackedDelta =
  | [seq: number, at: string, kind: 0, incident: PackedIncident]
  | [seq: number, at: string, kind: 1, cameraId: string, status: CameraStatus];

export type PackedSnapshot = Omit<Snapshot, 'incidents'> & { incidents: PackedIncident[] };

export function packDeltas(deltas: readonly Delta[]): PackedDelta[] {
  return deltas.map((d) =>
    d.type === 'incident'
      ? [d.seq, d.at, 0, packIncident(d.incident)]
      : [d.seq, d.at, 1, d.cameraId, d.status],
  );
}

export function unpackDeltas(packed: readonly PackedDelta[]): Delta[] {
  return packed.map((p) =>
    p[2] === 0
      ? { seq: p[0], at: p[1], type: 'incident', incident: unpackIncident(p[3]) }
      : { seq: p[0], at: p[1], type: 'camera', cameraId: p[3], status: p[4] },
  );
}

export function packSnapshot({ incidents, ...rest }: Snapshot): PackedSnapshot {
  return { ...rest, incidents: incidents.map(packIncident) };
}

export function unpackSnapshot({ incidents, ...rest }: PackedSnapshot): Snapshot {
  return { ...rest, incidents: incidents.map(unpackIncident) };
}

export function packIncident(i: IncidentSummary): PackedIncident {
  return [
    i.id,
    i.version,
    i.title,
    i.category,
    i.severity,
    i.groupRisk,
    i.source,
    i.location,
    i.gridId,
    i.communityId,
    i.streetId,
    i.districtId,
    i.cameraId,
    i.state,
    i.assignments.map((a) => [a.departmentId, a.respondedAt, a.reportedAt]),
    i.gridWorkerId,
    i.deadline && [i.deadline.step, i.deadline.dueAt, i.deadline.extensions, i.deadline.flagged],
    i.reportedAt,
    i.updatedAt,
    i.closedAt,
    i.rating,
    i.reportCount,
    i.wasOverdue,
  ];
}

export function unpackIncident(p: PackedIncident): IncidentSummary {
  const [
    id,
    version,
    title,
    category,
    severity,
    groupRisk,
    source,
    location,
    gridId,
    communityId,
    streetId,
    districtId,
    cameraId,
    state,
    assignments,
    gridWorkerId,
    deadline,
    reportedAt,
    updatedAt,
    closedAt,
    rating,
    reportCount,
    wasOverdue,
  ] = p;
  return {
    id,
    version,
    title,
    category,
    severity,
    groupRisk,
    source,
    location,
    gridId,
    communityId,
    streetId,
    districtId,
    cameraId,
    state,
    assignments: assignments.map(unpackAssignment),
    gridWorkerId,
    deadline: deadline && unpackDeadline(deadline),
    reportedAt,
    updatedAt,
    closedAt,
    rating,
    reportCount,
    wasOverdue,
  };
}

const unpackAssignment = ([
  departmentId,
  respondedAt,
  reportedAt,
]: PackedAssignment): Assignment => ({
  departmentId,
  respondedAt,
  reportedAt,
});

const unpackDeadline = ([step, dueAt, extensions, flagged]: PackedDeadline): Deadline => ({
  step,
  dueAt,
  extensions,
  flagged,
});
