import { describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import type { IncidentFilter } from '../stores/filters.js';
import { FigureTally, type FigureFeed } from './figures.js';

// A centre on UTC+8 (480 minutes): its day and hours, whatever zone this machine is set to.
const CHINA = 480;
/** An instant of 2026-11-22 (or another day) at h:m on the centre's clock, as an ISO string. */
const at = (h: number, m = 0, day = 22) =>
  new Date(Date.UTC(2026, 10, day, h, m) - CHINA * 60_000).toISOString();
const NOW = new Date(at(23, 30));
const incident = (id: string, over: Partial<IncidentSummary>) =>
  ({ id, severity: 'medium', state: 'reported', source: 'hotline', ...over }) as IncidentSummary;
const ANY: IncidentFilter = {
  categories: [],
  severities: [],
  states: [],
  sources: [],
  withinHours: 0,
};

/** A store as the tally sees it: what changed since the last look, or null for "anything". */
function store(incidents: IncidentSummary[]) {
  const byId = new Map(incidents.map((i) => [i.id, i]));
  let changed: Set<string> | null = null;
  const feed: FigureFeed = {
    take() {
      const ids = changed;
      changed = new Set();
      return ids;
    },
    get: (id) => byId.get(id),
    all: () => byId.values(),
  };
  return {
    feed,
    put(i: IncidentSummary) {
      byId.set(i.id, i);
      changed?.add(i.id);
    },
    remove(id: string) {
      byId.delete(id);
      changed?.add(id);
    },
    /** What a tally that counts everything afresh answers. */
    recounted: (filter = ANY) =>
      new FigureTally().update(store([...byId.values()]).feed, filter, NOW, CHINA),
  };
}

const city = () =>
  store([
    incident('a', { category: 'dispute', reportedAt: at(0, 5), closedAt: at(1, 0) }),
    incident('b', { category: 'dispute', reportedAt: at(9, 59), closedAt: null }),
    incident('c', { category: 'emergency', reportedAt: at(23, 1), closedAt: null }),
    incident('d', { category: 'emergency', reportedAt: at(9), closedAt: null, severity: 'low' }),
    // Yesterday's, closed today after 30 hours.
    incident('e', {
      category: 'dispute',
      reportedAt: at(5, 0, 21),
      closedAt: at(11),
    }),
  ]);

describe('FigureTally', () => {
  it("counts today's matching incidents by category and the centre's hour, and today's closes", () => {
    const figures = new FigureTally().update(
      city().feed,
      { ...ANY, severities: ['medium'] },
      NOW,
      CHINA,
    );
    expect(figures.byCategory).toMatchObject({ dispute: 2, emergency: 1, 'public-order': 0 });
    expect(figures.hourly[0]).toBe(1);
    expect(figures.hourly[9]).toBe(1);
    expect(figures.hourly[23]).toBe(1);
    expect(figures.hourly.reduce((a, b) => a + b)).toBe(3);
    expect(figures.closeTime).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('follows changes to the store as a full recount would', () => {
    const s = city();
    const tally = new FigureTally();
    tally.update(s.feed, ANY, NOW, CHINA);
    s.put(incident('b', { category: 'dispute', reportedAt: at(9, 59), closedAt: at(12) }));
    s.put(incident('f', { category: 'public-order', reportedAt: at(22), closedAt: null }));
    s.put(incident('c', { category: 'dispute', reportedAt: at(23, 1), closedAt: null }));
    s.remove('a');
    const figures = tally.update(s.feed, ANY, NOW, CHINA);
    expect(figures).toEqual(s.recounted());
    expect(figures.byCategory).toMatchObject({ dispute: 2, emergency: 1, 'public-order': 1 });
    expect(figures.closeTime).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('answers the same object while nothing it shows changed, so the charts are not redrawn', () => {
    const s = city();
    const tally = new FigureTally();
    const first = tally.update(s.feed, ANY, NOW, CHINA);
    // A note on an incident: a change in the store that moves no figure.
    s.put(
      incident('b', { category: 'dispute', reportedAt: at(9, 59), closedAt: null, title: 'x' }),
    );
    expect(tally.update(s.feed, ANY, NOW, CHINA)).toBe(first);
  });

  it('counts again under another filter', () => {
    const s = city();
    const tally = new FigureTally();
    tally.update(s.feed, ANY, NOW, CHINA);
    const filter = { ...ANY, categories: ['emergency' as const] };
    expect(tally.update(s.feed, filter, NOW, CHINA)).toEqual(s.recounted(filter));
    expect(tally.update(s.feed, filter, NOW, CHINA).byCategory.dispute).toBe(0);
  });
});
