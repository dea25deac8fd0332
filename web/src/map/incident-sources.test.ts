import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import { incident } from '../testing/incident.js';
import { IncidentSources } from './incident-sources.js';
import { FRESH_INCIDENT_SOURCE, INCIDENT_SOURCE } from './layers/incidents.js';
import type { MapLibreMap } from './maplibre.js';

/**
 * MapLibre needs WebGL, which vitest's Node has not: this stands in for the two GeoJSON sources
 * and says whether the clustered one has taken in its last change (the real map is exercised by
 * the end-to-end tests).
 */
class FakeMap {
  loaded = true;
  readonly diffs: unknown[] = [];
  fresh: string[] = [];
  getSource(id: string) {
    if (id === INCIDENT_SOURCE) return { updateData: (d: unknown) => void this.diffs.push(d) };
    if (id === FRESH_INCIDENT_SOURCE)
      return {
        setData: (d: { features: { properties: { id: string } }[] }) =>
          void (this.fresh = d.features.map((f) => f.properties.id)),
      };
    return undefined;
  }
  isSourceLoaded() {
    return this.loaded;
  }
}

describe('IncidentSources', () => {
  const store = new Map<string, IncidentSummary>();
  let changed: Set<string> | null = null;
  let map: FakeMap;
  let sources: IncidentSources;
  let shown: string[] = [];

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
    vi.stubGlobal('window', globalThis);
    store.clear();
    changed = null;
    map = new FakeMap();
    sources = new IncidentSources(
      map as unknown as MapLibreMap,
      {
        take: () => {
          const ids = changed;
          changed = new Set();
          return ids;
        },
        get: (id) => store.get(id),
        all: () => store.values(),
        matches: () => (i) => i.state !== 'closed',
        now: () => Date.now(),
      },
      (ids) => (shown = ids),
    );
  });
  afterEach(() => {
    sources.stop();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const put = (id: string, over: Partial<IncidentSummary> = {}) => {
    store.set(id, incident(id, over));
    changed?.add(id);
  };

  it('shows a new incident in the fresh source while the clustered one rests, one source a turn', () => {
    put('a');
    put('b');
    sources.draw();
    expect(map.diffs).toHaveLength(1);
    expect(shown.sort()).toEqual(['a', 'b']);
    // The map takes 500 ms to take that in, so the clustered source rests until 2 s.
    map.loaded = false;
    vi.advanceTimersByTime(400);
    map.loaded = true;
    vi.advanceTimersByTime(600);

    put('c');
    sources.draw();
    expect(map.diffs).toHaveLength(1);
    expect(map.fresh).toEqual(['c']);
    expect(shown.sort()).toEqual(['a', 'b', 'c']);

    vi.advanceTimersByTime(1_000);
    sources.draw();
    // The clustered source's turn, once rested: it is sent 'c', and the fresh source is left as
    // it was, so 'c' stays on the map until the clustered source has taken it in.
    expect(map.diffs).toHaveLength(2);
    expect(map.diffs[1]).toMatchObject({ add: [{ properties: { id: 'c' } }] });
    expect(map.fresh).toEqual(['c']);
    expect(shown.sort()).toEqual(['a', 'b', 'c']);

    // Taken in; the fresh source empties at the next look, or once no look has come for a while.
    vi.advanceTimersByTime(100);
    expect(map.fresh).toEqual(['c']);
    vi.advanceTimersByTime(1_300);
    expect(map.fresh).toEqual(['c']);
    vi.advanceTimersByTime(200);
    expect(map.fresh).toEqual([]);
    expect(map.diffs).toHaveLength(2);
    expect(shown.sort()).toEqual(['a', 'b', 'c']);
  });

  it('rests longer after a change the map took long to take in, and answers a new filter at once', () => {
    put('a');
    sources.draw();
    map.loaded = false;
    vi.advanceTimersByTime(400);
    map.loaded = true;
    // A change the clustered source alone shows: 'a' is on it already.
    put('a', { severity: 'high' });
    sources.draw();
    // It took 400 ms: three times that before the next change goes, at the next look.
    vi.advanceTimersByTime(1_100);
    sources.draw();
    expect(map.diffs).toHaveLength(1);
    vi.advanceTimersByTime(200);
    sources.draw();
    expect(map.diffs).toHaveLength(2);

    put('c');
    sources.draw(true);
    expect(map.diffs).toHaveLength(3);
  });

  it('on a fast machine still takes turns: the fresh source lets go of what the clustered one took in, and of a closed incident', () => {
    // The map takes in every change at once, so the clustered source is ready at every turn.
    put('a');
    sources.draw();
    let n = 0;
    const second = () => {
      for (const half of [0, 1]) {
        put(`n${n++}`);
        sources.draw();
        vi.advanceTimersByTime(500 + half);
      }
    };
    second();
    second();
    expect(map.fresh.length).toBeGreaterThan(0);
    const early = [...map.fresh];
    second();
    second();
    expect(map.fresh.some((id) => early.includes(id))).toBe(false);

    const last = map.fresh[0]!;
    put(last, { state: 'closed' });
    second();
    second();
    expect(map.fresh).not.toContain(last);
    expect(shown).not.toContain(last);
    expect(shown).toContain('a');
  });
});
