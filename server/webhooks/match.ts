import type { Incident, IncidentSummary, TimelineEntry } from '../../shared/index.js';
import type { WebhookChange, WebhookEvent, WebhookFilter, WebhookPayload } from './types.js';

type IncidentDelta = { seq: number; at: string; incident: IncidentSummary };

const some = (list: readonly string[] | undefined, test: (v: string) => boolean) =>
  !list?.length || list.some(test);

/**
 * The part of a filter the delta alone answers (category, area): checked before the incident is
 * read, so changes nobody wants cost no read.
 */
export function matchesSummary(filter: WebhookFilter, incident: IncidentSummary): boolean {
  const areas = [incident.gridId, incident.communityId, incident.streetId, incident.districtId];
  return (
    some(filter.categories, (c) => c === incident.category) &&
    some(filter.regionIds, (r) => areas.includes(r))
  );
}

/**
 * The rest: the departments (assigned now, or named by the change itself, so a department hears
 * that a matter was returned or taken away from it) and the event names.
 */
export function matchesChange(
  filter: WebhookFilter,
  incident: IncidentSummary,
  event: WebhookEvent,
  entry: TimelineEntry | undefined,
): boolean {
  const departments = new Set(incident.assignments.map((a) => a.departmentId));
  for (const id of departmentsNamed(entry)) departments.add(id);
  return (
    some(filter.departmentIds, (d) => departments.has(d)) &&
    some(filter.events, (e) => e === event || (!!entry && e === `incident.${entry.action}`))
  );
}

function departmentsNamed(entry: TimelineEntry | undefined): string[] {
  const detail = entry?.detail ?? {};
  const named = [
    detail.departmentId,
    ...(Array.isArray(detail.departmentIds) ? detail.departmentIds : []),
  ];
  return named.filter((d): d is string => typeof d === 'string');
}

/**
 * The timeline entry a delta's change wrote. The incident read now may be newer than the delta
 * (several changes committed before this batch was matched): then it is the last entry made by
 * the delta's own moment (`updatedAt` is the change's time), the best the stored document tells.
 */
export function entryFor(
  delta: IncidentDelta,
  current: Incident | undefined,
): TimelineEntry | undefined {
  if (!current) return undefined;
  const timeline = current.timeline;
  if (current.version === delta.incident.version) return timeline.at(-1);
  const by = delta.incident.updatedAt;
  for (let i = timeline.length - 1; i >= 0; i--) if (timeline[i]!.at <= by) return timeline[i];
  return undefined;
}

export function eventOf(incident: IncidentSummary): WebhookEvent {
  return incident.version === 1 ? 'incident.created' : 'incident.updated';
}

/** The body of a delivery; the caller's contact and the timeline never leave the server. */
export function payloadOf(
  id: string,
  delta: IncidentDelta,
  event: WebhookEvent,
  entry: TimelineEntry | undefined,
): WebhookPayload {
  const {
    contact: _contact,
    timeline: _timeline,
    description: _description,
    areaNames: _areaNames,
    ...incident
  } = delta.incident as IncidentSummary & Partial<Incident>;
  return {
    id,
    event,
    seq: delta.seq,
    at: delta.at,
    incident,
    change: entry ? changeOf(entry) : null,
  };
}

function changeOf(entry: TimelineEntry): WebhookChange {
  return {
    action: entry.action,
    at: entry.at,
    actor: { name: entry.actor.name, role: entry.actor.role },
    ...(entry.comment ? { comment: entry.comment } : {}),
    from: entry.from,
    to: entry.to,
  };
}
