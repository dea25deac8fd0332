import type { CameraStatus } from '../domain/cameras.js';
import type { Assignment, Deadline, IncidentSummary } from '../domain/incidents.js';
import type { Delta, Snapshot } from './events.js';

/**
 * How the live stream carries deltas and snapshots: each incident summary as its values in the
 * order of INCIDENT_FIELDS, without its keys. Every screen receives every change, so a delta's
 * bytes go out once per screen: the keys were a third of each one. The REST API keeps objects.
 *
 * The order is the contract between server and screens, both built from this file: a field
 * added to the summary goes at the end of the list, and the list does not compile without it.
 */
export const INCIDENT_FIELDS = [
  'id',
  'version',
  'title',
  'category',
  'severity',
  'groupRisk',
  'source',
  'location',
  'gridId',
  'communityId',
  'streetId',
  'districtId',
  'cameraId',
  'state',
  'assignments',
  'gridWorkerId',
  'deadline',
  'reportedAt',
  'updatedAt',
  'closedAt',
  'rating',
  'reportCount',
  'wasOverdue',
] as const satisfies readonly (keyof IncidentSummary)[];

type Unlisted = Exclude<keyof IncidentSummary, (typeof INCIDENT_FIELDS)[number]>;
/** A type error names any field of the summary missing from INCIDENT_FIELDS. */
const _everyFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;
const ASSIGNMENTS = INCIDENT_FIELDS.indexOf('assignments');
const DEADLINE = INCIDENT_FIELDS.indexOf('deadline');

/** An incident summary's values in INCIDENT_FIELDS order; assignments and deadline as tuples. */
export type PackedIncident = unknown[];

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

export function packIncident(incident: IncidentSummary): PackedIncident {
  return INCIDENT_FIELDS.map((field) => {
    if (field === 'assignments')
      return incident.assignments.map((a) => [a.departmentId, a.respondedAt, a.reportedAt]);
    const d = incident.deadline;
    if (field === 'deadline') return d && [d.step, d.dueAt, d.extensions, d.flagged];
    return incident[field];
  });
}

export function unpackIncident(packed: PackedIncident): IncidentSummary {
  const incident = {} as Record<string, unknown>;
  INCIDENT_FIELDS.forEach((field, k) => (incident[field] = packed[k]));
  incident.assignments = (packed[ASSIGNMENTS] as unknown[][]).map(
    ([departmentId, respondedAt, reportedAt]) =>
      ({ departmentId, respondedAt, reportedAt }) as Assignment,
  );
  const d = packed[DEADLINE] as unknown[] | null;
  incident.deadline =
    d && ({ step: d[0], dueAt: d[1], extensions: d[2], flagged: d[3] } as Deadline);
  return incident as unknown as IncidentSummary;
}
