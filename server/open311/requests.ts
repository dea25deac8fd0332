import { randomUUID } from 'node:crypto';
import {
  ContactSchema,
  CRS_NAMES,
  SEVERITIES,
  type Category,
  type Contact,
  type Crs,
  type Incident,
  type IncidentState,
  type ReportInputParsed,
  type Severity,
} from '../../shared/index.js';
import { HttpError, type FieldProblem } from '../http-error.js';
import {
  ATTRIBUTE_CODES,
  isCategory,
  serviceName,
  serviceNotice,
  type AttributeCode,
  type Locale,
} from './catalogue.js';
import { STATUS_OF_STATE, statesOf, statusNotes, type Open311Status } from './status.js';

/**
 * Open311 requests to and from our records: a POSTed request as an intake report, an incident
 * as an Open311 service request, and the GET filters as a store query.
 */

/**
 * Open311 requests come in as reports from an online channel: 网上信访 is the nearest of our
 * sources (a citizen's own submission through an app or website), so no new source value has
 * to reach every screen, chart and filter that lists sources.
 */
export const OPEN311_SOURCE = 'online-petition' as const;
/**
 * Prefixed to external ids, so an integration's Open311 ids never collide with the ids it sends
 * for online petitions through /api/v1/reports (idempotency is per integration, source and id).
 */
const EXTERNAL_ID_PREFIX = 'open311:';
const DESCRIPTION_MAX = 4000;
const TITLE_CHARS = 30;

/** A form or JSON body, its values as Express gives them. */
type Body = Record<string, unknown>;

export interface Submission {
  input: ReportInputParsed;
  /** The caller, kept on the incident for the duty officers; never answered by a GET. */
  contact?: Contact;
}

/** Reads a POST requests.json body, or throws a 400 naming every bad field. */
export function readSubmission(body: Body, now: Date): Submission {
  const problems: FieldProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ path, message });

  const code = text(body.service_code);
  if (!code) bad('service_code', 'required');
  else if (!isCategory(code)) bad('service_code', `no service ${JSON.stringify(code)}`);

  const location = readPoint(body, bad);

  const description = text(body.description) ?? '';
  if (description.length > DESCRIPTION_MAX)
    bad('description', `at most ${DESCRIPTION_MAX} characters`);

  const attributes = readAttributes(body, bad);

  const externalId = text(body.external_id);
  if (externalId !== undefined && externalId.length > 100)
    bad('external_id', 'at most 100 characters');

  const name = personName(text(body.first_name), text(body.last_name));
  if (name && name.length > 50) bad('first_name', 'with last_name, at most 50 characters');
  const phone = text(body.phone);
  let contact: Contact | undefined;
  if (phone !== undefined) {
    // No name given: the phone is still worth keeping, so the desk can call back.
    const parsed = ContactSchema.safeParse({ name: name || '未留姓名', phone });
    if (parsed.success) contact = parsed.data;
    else bad('phone', 'a phone number of 5 to 20 digits, spaces, + or -');
  }

  if (problems.length || !code || !isCategory(code) || !location)
    throw new HttpError(400, problems.map((p) => `${p.path}: ${p.message}`).join('; '), {
      code: 'invalid_fields',
      fields: problems,
    });

  const input: ReportInputParsed = {
    source: OPEN311_SOURCE,
    externalId: `${EXTERNAL_ID_PREFIX}${externalId ?? randomUUID()}`,
    category: code,
    ...(attributes.severity ? { severity: attributes.severity } : {}),
    ...(attributes.groupRisk !== undefined ? { groupRisk: attributes.groupRisk } : {}),
    title: titleOf(description, code),
    description,
    location,
    time: now.toISOString(),
    ...(name ? { reporter: name } : {}),
  };
  return { input, ...(contact ? { contact } : {}) };
}

function readPoint(
  body: Body,
  bad: (path: string, message: string) => void,
): ReportInputParsed['location'] | undefined {
  const lat = text(body.lat);
  const long = text(body.long);
  if (lat === undefined && long === undefined) {
    // Open311 lets a client send an address instead; this server has no geocoder to place it.
    bad(
      'lat',
      text(body.address_string) !== undefined || text(body.address_id) !== undefined
        ? 'lat and long are required: this server cannot geocode address_string or address_id'
        : 'required, with long',
    );
    return undefined;
  }
  const y = coordinate(lat, 90);
  const x = coordinate(long, 180);
  if (y === undefined)
    bad('lat', lat === undefined ? 'required, with long' : 'a latitude, -90 to 90');
  if (x === undefined)
    bad('long', long === undefined ? 'required, with lat' : 'a longitude, -180 to 180');
  // Not part of Open311: phones using 高德/腾讯 or 百度 SDKs measure in GCJ-02 or BD-09.
  const crs = text(body.crs);
  if (crs !== undefined && !(CRS_NAMES as readonly string[]).includes(crs))
    bad('crs', `one of ${CRS_NAMES.join(', ')}`);
  if (x === undefined || y === undefined) return undefined;
  return { lng: x, lat: y, ...(crs ? { crs: crs as Crs } : {}) };
}

function coordinate(value: string | undefined, bound: number): number | undefined {
  if (value === undefined || !/^[-+]?\d+(\.\d+)?$/.test(value)) return undefined;
  const n = Number(value);
  return Math.abs(n) <= bound ? n : undefined;
}

/**
 * `attribute[code]=key`: flat keys as a form body carries them, or an `attribute` object in a
 * JSON body.
 */
function readAttributes(
  body: Body,
  bad: (path: string, message: string) => void,
): { severity?: Severity; groupRisk?: boolean } {
  const given = new Map<string, unknown>();
  for (const [key, value] of Object.entries(body)) {
    const m = /^attribute\[([^\]]*)\]$/.exec(key);
    if (m) given.set(m[1]!, value);
  }
  if (body.attribute !== undefined) {
    if (
      typeof body.attribute === 'object' &&
      body.attribute !== null &&
      !Array.isArray(body.attribute)
    )
      for (const [key, value] of Object.entries(body.attribute)) given.set(key, value);
    else bad('attribute', 'an object of attribute codes and keys');
  }
  const out: { severity?: Severity; groupRisk?: boolean } = {};
  for (const [code, raw] of given) {
    const value = text(raw);
    const path = `attribute[${code}]`;
    if (!(ATTRIBUTE_CODES as readonly string[]).includes(code)) {
      bad(path, `no such attribute; the attributes are ${ATTRIBUTE_CODES.join(', ')}`);
      continue;
    }
    if (value === undefined) continue;
    switch (code as AttributeCode) {
      case 'severity':
        if ((SEVERITIES as readonly string[]).includes(value)) out.severity = value as Severity;
        else bad(path, `one of ${SEVERITIES.join(', ')}`);
        break;
      case 'group_risk':
        if (value === 'true' || value === 'false') out.groupRisk = value === 'true';
        else bad(path, 'true or false');
        break;
    }
  }
  return out;
}

/** A trimmed string, or undefined for absent or blank; numbers and booleans from JSON as text. */
function text(value: unknown): string | undefined {
  const s =
    typeof value === 'string'
      ? value
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : undefined;
  const t = s?.trim();
  return t ? t : undefined;
}

/** 姓名 in Chinese order (family name first, no space) for Chinese names; else "first last". */
function personName(first: string | undefined, last: string | undefined): string | undefined {
  if (!first && !last) return undefined;
  const cjk = /[\u4e00-\u9fff]/.test(`${first ?? ''}${last ?? ''}`);
  return cjk ? `${last ?? ''}${first ?? ''}` : [first, last].filter(Boolean).join(' ');
}

/** The screens need a title; Open311 has none, so the description's start stands in. */
function titleOf(description: string, category: Category): string {
  const line = description.split('\n')[0]!.trim();
  if (!line) return `${serviceName(category, 'zh')}（市民上报）`;
  return line.length > TITLE_CHARS ? `${line.slice(0, TITLE_CHARS)}…` : line;
}

/** What the view of an incident needs besides the incident. */
export interface ViewContext {
  locale: Locale;
  departmentName(id: string): string | undefined;
  regionName(id: string): string | undefined;
}

/** An incident as an Open311 service request. The caller's contact never appears here. */
export function toServiceRequest(incident: Incident, ctx: ViewContext) {
  const status = STATUS_OF_STATE[incident.state];
  const departments = incident.assignments.map(
    (a) => ctx.departmentName(a.departmentId) ?? a.departmentId,
  );
  const areas = incident.areaNames ?? {
    street: ctx.regionName(incident.streetId),
    community: ctx.regionName(incident.communityId),
    grid: ctx.regionName(incident.gridId),
  };
  const address = [areas.street, areas.community, areas.grid].filter(Boolean).join(' ');
  return {
    service_request_id: incident.id,
    status,
    status_notes: statusNotes(incident, ctx.locale),
    service_name: serviceName(incident.category, ctx.locale),
    service_code: incident.category,
    description: incident.description,
    agency_responsible: departments.length ? departments.join(', ') : null,
    service_notice: serviceNotice(incident.category, ctx.locale),
    requested_datetime: incident.reportedAt,
    updated_datetime: incident.updatedAt,
    // The step running now; a closed request's only clock left is the 回访, not the citizen's.
    expected_datetime: status === 'open' ? (incident.deadline?.dueAt ?? null) : null,
    address: address || null,
    address_id: null,
    zipcode: null,
    lat: incident.location[1],
    long: incident.location[0],
    media_url: null,
  };
}

export type ServiceRequest = ReturnType<typeof toServiceRequest>;

const DAY = 86_400_000;
/** Open311's default window and the longest one a query may span. */
export const WINDOW_DAYS = 90;
export const LIST_DEFAULT = 50;
export const LIST_MAX = 1000;

/** GET requests.json's filters, checked, as the store can run them. */
export type RequestQuery =
  | { ids: string[] }
  | {
      categories?: Category[];
      states?: IncidentState[];
      from: string;
      /** Exclusive, as the store takes it. */
      to: string;
      limit: number;
      offset: number;
    };

/** Reads GET requests.json's query, or throws a 400 naming every bad parameter. */
export function readQuery(query: Body, now: Date, utcOffsetMinutes: number): RequestQuery {
  const problems: FieldProblem[] = [];
  const bad = (path: string, message: string) => problems.push({ path, message });
  const fail = () =>
    new HttpError(400, problems.map((p) => `${p.path}: ${p.message}`).join('; '), {
      code: 'invalid_fields',
      fields: problems,
    });

  const ids = list(query.service_request_id);
  if (ids) {
    // Open311: a list of ids overrides every other filter.
    if (ids.length > LIST_MAX) bad('service_request_id', `at most ${LIST_MAX} ids`);
    if (problems.length) throw fail();
    return { ids: [...new Set(ids)] };
  }

  const codes = list(query.service_code);
  for (const c of codes ?? [])
    if (!isCategory(c)) bad('service_code', `no service ${JSON.stringify(c)}`);

  let states: IncidentState[] | undefined;
  const statuses = list(query.status);
  if (statuses) {
    const wrong = statuses.filter((s) => s !== 'open' && s !== 'closed');
    if (wrong.length) bad('status', 'open, closed, or both comma-separated');
    else states = [...new Set(statuses as Open311Status[])].flatMap(statesOf);
  }

  const start = instant(query.start_date, utcOffsetMinutes, 'start_date', bad);
  const end = instant(query.end_date, utcOffsetMinutes, 'end_date', bad);
  // Both or neither bound the window; one alone reaches 90 days from it.
  let to = end ?? (start !== undefined ? start + WINDOW_DAYS * DAY : now.getTime());
  const from = start ?? to - WINDOW_DAYS * DAY;
  if (start !== undefined && end !== undefined) {
    if (end < start) bad('end_date', 'before start_date');
    else if (end - start > WINDOW_DAYS * DAY)
      bad('end_date', `at most ${WINDOW_DAYS} days after start_date`);
  }
  // end_date is the latest time to include; the store's bound is exclusive.
  to += 1;

  const limit = count(query.limit, LIST_DEFAULT, 1, LIST_MAX, 'limit', bad);
  const offset = count(query.offset, 0, 0, 1_000_000, 'offset', bad);
  if (problems.length) throw fail();
  return {
    ...(codes ? { categories: codes as Category[] } : {}),
    ...(states ? { states } : {}),
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    limit,
    offset,
  };
}

function list(value: unknown): string[] | undefined {
  // A parameter given twice arrives as an array; Open311 allows both forms.
  const parts = (Array.isArray(value) ? value : [value])
    .flatMap((v) => (typeof v === 'string' ? v.split(',') : []))
    .map((s) => s.trim())
    .filter(Boolean);
  return parts.length ? parts : undefined;
}

const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A W3C date-time (`2026-01-15T08:00:00+08:00`, `…Z`), or a date or time without a zone, read
 * in the centre's own time zone, as its staff and citizens would mean it.
 */
function instant(
  value: unknown,
  utcOffsetMinutes: number,
  path: string,
  bad: (path: string, message: string) => void,
): number | undefined {
  if (value === undefined || value === '') return undefined;
  const m = typeof value === 'string' ? DATE_TIME.exec(value.trim()) : null;
  if (!m) {
    bad(path, 'a date-time such as 2026-01-15T08:00:00+08:00');
    return undefined;
  }
  const [, date, time = '00:00', zone] = m;
  const sign = utcOffsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(utcOffsetMinutes);
  const centre = `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  // +0800 as +08:00: Date.parse reads only the ISO form reliably.
  const offset = zone ? zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2').toUpperCase() : centre;
  const ms = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}${offset}`);
  if (Number.isNaN(ms)) {
    bad(path, 'not a real date and time');
    return undefined;
  }
  return ms;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function count(
  value: unknown,
  fallback: number,
  min: number,
  max: number,
  path: string,
  bad: (path: string, message: string) => void,
): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    bad(path, `a whole number from ${min} to ${max}`);
    return fallback;
  }
  return n;
}
