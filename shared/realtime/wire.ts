import type { CameraStatus } from '../domain/cameras.js';
import type {
  Deadline,
  ExtensionRequest,
  IncidentSummary,
  Resolution,
} from '../domain/incidents.js';
import type { Handover, SubCentreLevel } from '../domain/levels.js';
import type { Warning } from '../domain/warnings.js';
import type { Delta, Snapshot } from './events.js';

/**
 * How the live stream carries deltas and snapshots: each incident summary as its values in the
 * order of INCIDENT_FIELDS, without its keys. Every screen receives every change, so a delta's
 * bytes go out once per screen: the keys were a third of each one. The REST API keeps objects.
 *
 * The order is the contract between server and screens, both built from this file: a field
 * added to the summary goes at the end of the list, and the list does not compile without it.
 */
/**
 * The packed form's version, named by every client when it connects. A screen left open across
 * a deploy that changed the form is refused rather than fed what it would misread; the web app
 * then reloads itself. Bump it with any change to the form.
 */
export const WIRE_VERSION = 5;

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
  // Optional from here on: absent ones at the end are left off the packed form. Most incidents
  // below the city's are held by a sub-centre, so its level comes first.
  'centreLevel',
  'handover',
  'resolution',
  'patrolIds',
  'extensionRequest',
  'supervisedAt',
  'remindedAt',
] as const satisfies readonly (keyof IncidentSummary)[];

type Unlisted = Exclude<keyof IncidentSummary, (typeof INCIDENT_FIELDS)[number]>;
/** A type error names any field of the summary missing from INCIDENT_FIELDS. */
const _everyFieldListed: [Unlisted] extends [never] ? true : Unlisted = true;

/** An incident summary's values in INCIDENT_FIELDS order; assignments and deadline as tuples. */
export type PackedIncident = unknown[];

/**
 * A delta with its sequence number first: `[seq, at, 0, incident]`, `[seq, at, 1, camera, status]`
 * or `[seq, at, 3, warning]` (warnings are few: they travel as objects).
 */
export type PackedDelta =
  | [seq: number, at: string, kind: 0, incident: PackedIncident]
  | [seq: number, at: string, kind: 1, cameraId: string, status: CameraStatus]
  | [seq: number, at: string, kind: 3, warning: Warning]
  /** A cover mark (packCover): the batch stands for every delta from `seq` to `to`. */
  | [seq: number, at: string, kind: 2, to: number];

export type PackedSnapshot = Omit<Snapshot, 'incidents'> & { incidents: PackedIncident[] };

export function packDeltas(deltas: readonly Delta[]): PackedDelta[] {
  return deltas.map((d): PackedDelta => {
    if (d.type === 'incident') return [d.seq, d.at, 0, packIncident(d.incident)];
    if (d.type === 'camera') return [d.seq, d.at, 1, d.cameraId, d.status];
    return [d.seq, d.at, 3, d.warning];
  });
}

export function unpackDeltas(packed: readonly PackedDelta[]): Delta[] {
  const deltas: Delta[] = [];
  for (const p of packed) {
    if (p[2] === 0)
      deltas.push({ seq: p[0], at: p[1], type: 'incident', incident: unpackIncident(p[3]) });
    else if (p[2] === 1)
      deltas.push({ seq: p[0], at: p[1], type: 'camera', cameraId: p[3], status: p[4] });
    else if (p[2] === 3) deltas.push({ seq: p[0], at: p[1], type: 'warning', warning: p[3] });
  }
  return deltas;
}

/**
 * A sub-centre's screens get the deltas of their own area only, so their sequence has holes.
 * Each of their batches opens with a cover mark, `[from, at, 2, to]`: every delta from `from` to
 * `to` that is not in the batch lies outside the area. A batch without one is contiguous.
 */
export function packCover(from: number, to: number, at: string): PackedDelta {
  return [from, at, 2, to];
}

/** A batch's cover mark, if it has one. */
export function coverOf(packed: readonly PackedDelta[]): { from: number; to: number } | undefined {
  const first = packed[0];
  return first?.[2] === 2 ? { from: first[0], to: first[3] } : undefined;
}

export function packSnapshot({ incidents, ...rest }: Snapshot): PackedSnapshot {
  return { ...rest, incidents: incidents.map(packIncident) };
}

export function unpackSnapshot({ incidents, ...rest }: PackedSnapshot): Snapshot {
  return { ...rest, incidents: incidents.map(unpackIncident) };
}

/** Fields from here on are optional: most incidents have none, and cost no bytes for them. */
const FIRST_OPTIONAL = INCIDENT_FIELDS.indexOf('centreLevel');

export function packIncident(incident: IncidentSummary): PackedIncident {
  const packed: unknown[] = INCIDENT_FIELDS.map((field) => {
    if (field === 'assignments')
      return incident.assignments.map((a) => [a.departmentId, a.respondedAt, a.reportedAt]);
    const d = incident.deadline;
    if (field === 'deadline') return d && [d.step, d.dueAt, d.extensions, d.flagged];
    if (field === 'patrolIds') return incident.patrolIds?.length ? incident.patrolIds : null;
    return incident[field] ?? null;
  });
  while (packed.length > FIRST_OPTIONAL && packed.at(-1) === null) packed.pop();
  return packed;
}

/** Each field's place in a packed incident. */
const AT = Object.fromEntries(INCIDENT_FIELDS.map((field, k) => [field, k])) as Record<
  (typeof INCIDENT_FIELDS)[number],
  number
>;

/**
 * Written out field by field (the optional tail only where present): screens read these objects all the time (the map, the queue, the
 * filters), and an object built as one literal is several times faster to make and to read than
 * one filled in by a loop over the names.
 */
export function unpackIncident(p: PackedIncident): IncidentSummary {
  const assignments = p[AT.assignments] as [string, string | null, string | null][];
  const d = p[AT.deadline] as [Deadline['step'], string, number, boolean] | null;
  const optional: Partial<IncidentSummary> = {};
  if (p.length > FIRST_OPTIONAL) {
    if (p[AT.centreLevel] != null) optional.centreLevel = p[AT.centreLevel] as SubCentreLevel;
    if (p[AT.handover] != null) optional.handover = p[AT.handover] as Handover;
    if (p[AT.resolution] != null) optional.resolution = p[AT.resolution] as Resolution;
    if (p[AT.patrolIds] != null) optional.patrolIds = p[AT.patrolIds] as string[];
    if (p[AT.extensionRequest] != null)
      optional.extensionRequest = p[AT.extensionRequest] as ExtensionRequest;
    if (p[AT.supervisedAt] != null) optional.supervisedAt = p[AT.supervisedAt] as string;
    if (p[AT.remindedAt] != null) optional.remindedAt = p[AT.remindedAt] as string;
  }
  return {
    id: p[AT.id] as string,
    version: p[AT.version] as number,
    title: p[AT.title] as string,
    category: p[AT.category] as IncidentSummary['category'],
    severity: p[AT.severity] as IncidentSummary['severity'],
    groupRisk: p[AT.groupRisk] as boolean,
    source: p[AT.source] as IncidentSummary['source'],
    location: p[AT.location] as IncidentSummary['location'],
    gridId: p[AT.gridId] as string,
    communityId: p[AT.communityId] as string,
    streetId: p[AT.streetId] as string,
    districtId: p[AT.districtId] as string,
    cameraId: p[AT.cameraId] as string | null,
    state: p[AT.state] as IncidentSummary['state'],
    assignments: assignments.map(([departmentId, respondedAt, reportedAt]) => ({
      departmentId,
      respondedAt,
      reportedAt,
    })),
    gridWorkerId: p[AT.gridWorkerId] as string | null,
    deadline: d && { step: d[0], dueAt: d[1], extensions: d[2], flagged: d[3] },
    reportedAt: p[AT.reportedAt] as string,
    updatedAt: p[AT.updatedAt] as string,
    closedAt: p[AT.closedAt] as string | null,
    rating: p[AT.rating] as number | null,
    reportCount: p[AT.reportCount] as number,
    wasOverdue: p[AT.wasOverdue] as boolean,
    ...optional,
  };
}
