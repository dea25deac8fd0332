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

function timeProps(open: boolean, reportedMs: number, dueMs: number, now: number) {
  return { overdue: open && dueMs <= now, isNew: now - reportedMs < NEW_FOR_MS };
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
      ...timeProps(open, reportedMs, dueMs, now),
    },
  };
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
 * One pass over the store per redraw; an unchanged incident costs a reference compare and two
 * number compares. Features handed to MapLibre are kept by it, so nothing here is mutated.
 */
export class IncidentFeatureCache {
  private readonly entries = new Map<string, Entry>();
  private pass = 0;

  get size(): number {
    return this.entries.size;
  }

  ids(): IterableIterator<string> {
    return this.entries.keys();
  }

  location(id: string): [number, number] | undefined {
    return this.entries.get(id)?.source.location;
  }

  /** Brings the cache in line with `incidents`; answers the diff, or undefined if none. */
  sync(
    incidents: Iterable<IncidentSummary>,
    matches: (i: IncidentSummary) => boolean,
    now: number,
  ): GeoJSONSourceDiff | undefined {
    const pass = ++this.pass;
    const add: Feature[] = [];
    const update: GeoJSONFeatureDiff[] = [];
    const remove: string[] = [];
    let kept = 0;
    for (const i of incidents) {
      const was = this.entries.get(i.id);
      if (!matches(i)) {
        if (was) {
          this.entries.delete(i.id);
          remove.push(i.id);
        }
        continue;
      }
      kept += 1;
      if (!was) {
        const e = entryFor(i, now, pass);
        this.entries.set(i.id, e);
        add.push(feature(e));
        continue;
      }
      was.seen = pass;
      const next = was.source === i ? this.aged(was, now) : entryFor(i, now, pass);
      if (!next) continue;
      const changed = changedProps(was.props, next.props);
      const [lng, lat] = was.source.location;
      const moved = next.source.location[0] !== lng || next.source.location[1] !== lat;
      this.entries.set(i.id, next);
      if (!changed.length && !moved) continue;
      update.push({
        id: i.id,
        ...(changed.length ? { addOrUpdateProperties: changed } : {}),
        ...(moved ? { newGeometry: { type: 'Point', coordinates: next.source.location } } : {}),
      });
    }
    // Gone from the store altogether (a new snapshot after a reconnect).
    if (kept < this.entries.size) {
      for (const [id, e] of this.entries)
        if (e.seen !== pass) {
          this.entries.delete(id);
          remove.push(id);
        }
    }
    if (!add.length && !update.length && !remove.length) return undefined;
    return {
      ...(add.length ? { add } : {}),
      ...(update.length ? { update } : {}),
      ...(remove.length ? { remove } : {}),
    };
  }

  /** The same incident a moment later: a new entry only if it turned overdue or stopped being new. */
  private aged(e: Entry, now: number): Entry | undefined {
    const t = timeProps(e.props.open, e.reportedMs, e.dueMs, now);
    if (t.overdue === e.props.overdue && t.isNew === e.props.isNew) return undefined;
    return { ...e, props: { ...e.props, ...t } };
  }
}

function changedProps(was: IncidentProps, next: IncidentProps): { key: string; value: unknown }[] {
  const out: { key: string; value: unknown }[] = [];
  for (const key of Object.keys(next) as (keyof IncidentProps)[])
    if (was[key] !== next[key]) out.push({ key, value: next[key] });
  return out;
}
