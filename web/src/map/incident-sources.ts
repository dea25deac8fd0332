import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import type { Feature, Point } from 'geojson';
import { IncidentFeatureCache, incidentFeature, type IncidentProps } from './incident-diff.js';
import { FRESH_INCIDENT_SOURCE, INCIDENT_SOURCE } from './layers/incidents.js';
import type { GeoJSONSource, MapLibreMap } from './maplibre.js';

/** After the clustered source took in a change, it rests this many times as long as that took. */
const REST_FACTOR = 3;
/** ... and at least this long. */
const MIN_REST_MS = 500;
/**
 * While the map looks at the store (`draw`, at most once a second under load), only those looks
 * change the sources, one source each: each change redraws the whole map, which is what a
 * software-rendered screen can least afford. Once no look has come for this long, timers finish
 * what is left (a change that waited for the clustered source's rest, the fresh source's tidying).
 */
const QUIET_MS = 1_500;
/** How often to look whether the clustered source has taken in the last change. */
const LOADED_POLL_MS = 100;

interface FreshContent {
  features: Feature<Point, IncidentProps>[];
  /** Ids and states, to tell whether the source shows this already. */
  key: string;
}

/** Where the incidents come from: the store, and what changed in it since last asked. */
export interface IncidentFeed {
  /** The ids changed since the last call, or null when anything may have (a new snapshot). */
  take(): Set<string> | null;
  get(id: string): IncidentSummary | undefined;
  all(): Iterable<IncidentSummary>;
  /** The screen's filter as of `now` (ms). */
  matches(now: number): (i: IncidentSummary) => boolean;
  /** The moment shown (ms): now, or a replay's moment. */
  now(): number;
}

/**
 * The map's incidents, in two GeoJSON sources. The clustered one holds every incident the
 * filters let through, but MapLibre re-clusters the whole source and reloads every tile on screen
 * for any change to it, however small; on a software-rendered wall under 200 updates a second
 * that took hundreds of milliseconds of main thread per change, all the time. So it is sent
 * changes (as diffs) only as fast as it digests them: after each, it rests REST_FACTOR times as
 * long as taking it in lasted, so the map's share of the page stays bounded on any machine.
 * Meanwhile the incidents new to the map go into a small unclustered source, so a new report
 * shows within a second; other changes (a state's colour) wait for the clustered source's next
 * turn, a second or two under load and no wait at all when the city is quiet.
 *
 * Each change to either source costs a redraw of the whole map, so the two take turns, one at
 * each look at the store (see QUIET_MS; a new filter goes at once). Until the clustered source has
 * taken in the incidents the fresh one shows, the fresh one keeps them: shown twice for a
 * moment, in the same place, rather than gone for a moment.
 */
export class IncidentSources {
  private readonly shown = new IncidentFeatureCache();
  /** Ids changed since the clustered source last took a change. */
  private readonly pending = new Set<string>();
  /** Ids the fresh source shows that the clustered one was sent and has not taken in yet. */
  private readonly landing = new Set<string>();
  private everything = true;
  /** The first draw, new filters, or the time moved on: answered without resting. */
  private urgent = true;
  /** When the clustered source was sent its last change, until it has taken it in. */
  private sentAt: number | undefined;
  private restUntil = 0;
  /** When the map last looked at the store. */
  private lookedAt = -Infinity;
  private lastTurn: 'clustered' | 'fresh' = 'fresh';
  private freshKey = '';
  private freshIds: string[] = [];
  private timer: number | undefined;

  constructor(
    private readonly map: MapLibreMap,
    private readonly feed: IncidentFeed,
    /** Told the ids on the map whenever the set changes (for kiosk probes and tests). */
    private readonly onShown: (ids: string[]) => void,
  ) {}

  /** Takes what changed in the feed; `everything` when the filters or the time may change all. */
  draw(everything = false): void {
    const ids = this.feed.take();
    if (ids === null || everything) this.everything = true;
    else for (const id of ids) this.pending.add(id);
    this.urgent ||= everything;
    this.lookedAt = performance.now();
    this.run(true);
  }

  stop(): void {
    window.clearTimeout(this.timer);
  }

  private run(look = false): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    const clustered = this.map.getSource<GeoJSONSource>(INCIDENT_SOURCE);
    if (!clustered) return;
    const t = performance.now();
    const loaded = this.map.isSourceLoaded(INCIDENT_SOURCE);
    if (this.sentAt !== undefined && loaded) {
      this.restUntil = t + Math.max(MIN_REST_MS, REST_FACTOR * (t - this.sentAt));
      this.sentAt = undefined;
      this.landing.clear();
    }
    const now = this.feed.now();
    const matches = this.feed.matches(now);
    const urgent = this.urgent;
    let membership = false;
    if (urgent || look || t >= this.lookedAt + QUIET_MS) {
      const ready =
        (this.everything || this.pending.size > 0) &&
        loaded &&
        this.sentAt === undefined &&
        (urgent || t >= this.restUntil);
      let fresh = this.freshFeatures(matches, now);
      // Turn about when both have something to show: on a fast machine the clustered source is
      // ready at every turn, and the fresh one would keep what it showed (closed ones too).
      if (ready && (urgent || !fresh || this.lastTurn === 'fresh')) {
        membership = this.sendClustered(clustered, matches, now);
        this.lastTurn = 'clustered';
        fresh = urgent ? this.freshFeatures(matches, now) : undefined;
      }
      if (fresh) {
        this.showFresh(fresh);
        this.lastTurn = 'fresh';
        membership = true;
      }
    }
    if (membership)
      this.onShown([...this.shown.ids(), ...this.freshIds.filter((id) => !this.shown.has(id))]);
    if (this.sentAt !== undefined || !loaded) this.later(LOADED_POLL_MS);
    else if (this.everything || this.pending.size || this.freshIds.length)
      this.later(Math.max(this.restUntil, this.lookedAt + QUIET_MS) - t);
  }

  /** Sends the clustered source what changed; answers whether incidents came or went. */
  private sendClustered(
    clustered: GeoJSONSource,
    matches: (i: IncidentSummary) => boolean,
    now: number,
  ): boolean {
    const diff = this.everything
      ? this.shown.sync(this.feed.all(), matches, now)
      : this.shown.syncSome(this.pending, (id) => this.feed.get(id), matches, now);
    this.everything = this.urgent = false;
    this.pending.clear();
    if (!diff) return false;
    void clustered.updateData(diff);
    this.sentAt = performance.now();
    // Those the fresh source shows stay there until the clustered source has taken them in.
    const showing = new Set(this.freshIds);
    for (const f of diff.add ?? []) {
      const id = String(f.properties?.id);
      if (showing.has(id)) this.landing.add(id);
    }
    return !!(diff.add || diff.remove);
  }

  /**
   * What the fresh source should show, or undefined if it shows that already: the changed
   * incidents the clustered source does not hold, and those it shows that the clustered source
   * was sent but has not taken in.
   */
  private freshFeatures(
    matches: (i: IncidentSummary) => boolean,
    now: number,
  ): FreshContent | undefined {
    const features = [];
    for (const id of this.landing) {
      const i = this.feed.get(id);
      if (i && matches(i)) features.push(incidentFeature(i, now));
    }
    for (const id of this.pending) {
      if (this.shown.has(id) || this.landing.has(id)) continue;
      const i = this.feed.get(id);
      if (i && matches(i)) features.push(incidentFeature(i, now));
    }
    const key = features.map((f) => `${f.properties.id}:${f.properties.state}`).join(' ');
    return key === this.freshKey ? undefined : { features, key };
  }

  private showFresh({ features, key }: FreshContent): void {
    this.freshKey = key;
    this.freshIds = features.map((f) => f.properties.id);
    this.map
      .getSource<GeoJSONSource>(FRESH_INCIDENT_SOURCE)
      ?.setData({ type: 'FeatureCollection', features });
  }

  private later(ms: number): void {
    this.timer = window.setTimeout(() => this.run(), Math.max(0, ms));
  }
}
