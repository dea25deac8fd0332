import type { Feature, Point } from 'geojson';
import type { GeoJSONFeatureDiff, GeoJSONSourceDiff } from 'maplibre-gl';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import { isOpenState } from '../../../shared/workflow/rules.js';

/** How long an incident counts as new and pulses. */
export const NEW_FOR_MS = 5 * 60_000;

/** What the incident layers read: everything else about an incident stays out of the worker. */
export interface IncidentProps {
  id: string;
  severity: string;
  state: string;
  category: string;
  open: boolean;
  overdue: boolean;
  isNew: boolean;
}

interface Entry {
  /** The store's object this was made from: replaced, never mutated, on every change. */
  source: IncidentSummary;
  props: IncidentProps;
  reportedMs: number;
  dueMs: number;
  seen: number;
}

function entryFor(i: IncidentSummary, now: number, seen: number): Entry {
  const open = isOpenState(i.state);
  const reportedMs = Date.parse(i.reportedAt);
  const dueMs = i.deadline ? Date.parse(i.deadline.dueAt) : Infinity;
  return {
    source: i,
    reportedMs,
    dueMs,
    seen,
    props: {
      id: i.id,
      severity: i.severity,
      state: i.state,
      category: i.category,
      open,
      overdue: open && dueMs <= now,
      isNew: now - reportedMs < NEW_FOR_MS,
    },
  };
}

/** An incident as the map draws it, now. */
export function incidentFeature(i: IncidentSummary, now: number): Feature<Point, IncidentProps> {
  return feature(entryFor(i, now, 0));
}

function feature(e: Entry): Feature<Point, IncidentProps> {
  return {
    type: 'Feature',
    properties: e.props,
    geometry: { type: 'Point', coordinates: e.source.location },
  };
}

/**
 * What the map's incident source holds, by id, so a redraw sends MapLibre only the difference
 * (`GeoJSONSource.updateData`) instead of rebuilding and re-sending every feature: incidents that
 * changed, appeared, left the filter, or turned overdue or stopped being new with time.
 *
 * A redraw after store changes visits only the changed ids; a full pass (filters, ageing, a new
 * snapshot) costs a reference compare and two number compares per unchanged incident. Features
 * handed to MapLibre are kept by it, so nothing here is mutated.
 */
export class IncidentFeatureCache {
  private readonly entries = new Map<string, Entry>();
  private pass = 0;

  ids(): IterableIterator<string> {
    return this.entries.keys();
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Brings the cache in line with all of `incidents`; answers the diff, or undefined if none. */
  sync(
    incidents: Iterable<IncidentSummary>,
    matches: (i: IncidentSummary) => boolean,
    now: number,
  ): GeoJSONSourceDiff | undefined {
    const pass = ++this.pass;
    const out = new Diff();
    let kept = 0;
    for (const i of incidents) if (this.visit(i, matches, now, pass, out)) kept += 1;
    // Gone from the store altogether (a new snapshot after a reconnect).
    if (kept < this.entries.size) {
      for (const [id, e] of this.entries)
        if (e.seen !== pass) {
          this.entries.delete(id);
          out.remove.push(id);
        }
    }
    return out.result();
  }

  /** The same for only these ids (what changed in the store): the cost of a redraw is the change. */
  syncSome(
    ids: Iterable<string>,
    lookup: (id: string) => IncidentSummary | undefined,
    matches: (i: IncidentSummary) => boolean,
    now: number,
  ): GeoJSONSourceDiff | undefined {
    const pass = ++this.pass;
    const out = new Diff();
    for (const id of ids) {
      const i = lookup(id);
      if (i) this.visit(i, matches, now, pass, out);
      else if (this.entries.delete(id)) out.remove.push(id);
    }
    return out.result();
  }

  /** One incident against what the map holds; answers whether the map keeps showing it. */
  private visit(
    i: IncidentSummary,
    matches: (i: IncidentSummary) => boolean,
    now: number,
    pass: number,
    out: Diff,
  ): boolean {
    const was = this.entries.get(i.id);
    if (!matches(i)) {
      if (was) {
        this.entries.delete(i.id);
        out.remove.push(i.id);
      }
      return false;
    }
    if (!was) {
      const e = entryFor(i, now, pass);
      this.entries.set(i.id, e);
      out.add.push(feature(e));
      return true;
    }
    was.seen = pass;
    const next = was.source === i ? aged(was, now) : entryFor(i, now, pass);
    if (!next) return true;
    const changed = changedProps(was.props, next.props);
    const [lng, lat] = was.source.location;
    const moved = next.source.location[0] !== lng || next.source.location[1] !== lat;
    this.entries.set(i.id, next);
    if (changed.length || moved)
      out.update.push({
        id: i.id,
        ...(changed.length ? { addOrUpdateProperties: changed } : {}),
        ...(moved ? { newGeometry: { type: 'Point', coordinates: next.source.location } } : {}),
      });
    return true;
  }
}

class Diff {
  readonly add: Feature[] = [];
  readonly update: GeoJSONFeatureDiff[] = [];
  readonly remove: string[] = [];

  result(): GeoJSONSourceDiff | undefined {
    if (!this.add.length && !this.update.length && !this.remove.length) return undefined;
    return {
      ...(this.add.length ? { add: this.add } : {}),
      ...(this.update.length ? { update: this.update } : {}),
      ...(this.remove.length ? { remove: this.remove } : {}),
    };
  }
}

/** The same incident a moment later: a new entry only if it turned overdue or stopped being new. */
function aged(e: Entry, now: number): Entry | undefined {
  const overdue = e.props.open && e.dueMs <= now;
  const isNew = now - e.reportedMs < NEW_FOR_MS;
  if (overdue === e.props.overdue && isNew === e.props.isNew) return undefined;
  return { ...e, props: { ...e.props, overdue, isNew } };
}

function changedProps(was: IncidentProps, next: IncidentProps): { key: string; value: unknown }[] {
  const out: { key: string; value: unknown }[] = [];
  for (const key of Object.keys(next) as (keyof IncidentProps)[])
    if (was[key] !== next[key]) out.push({ key, value: next[key] });
  return out;
}
