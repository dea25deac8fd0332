import { describe, expect, it } from 'vitest';
import { incident, T0 } from '../testing/incident.js';
import { IncidentFeatureCache, NEW_FOR_MS } from './incident-diff.js';

const all = () => true;

describe('IncidentFeatureCache', () => {
  it('adds everything once, then sends nothing while nothing changes', () => {
    const cache = new IncidentFeatureCache();
    const store = [incident('a'), incident('b')];
    const first = cache.sync(store, all, T0);
    expect(first?.add?.map((f) => f.properties?.id)).toEqual(['a', 'b']);
    expect(first?.add?.[0]?.properties).toMatchObject({ isNew: true, overdue: false, open: true });
    expect(cache.sync(store, all, T0 + 1000)).toBeUndefined();
  });

  it('sends only the properties that changed, and a new geometry when it moved', () => {
    const cache = new IncidentFeatureCache();
    const a = incident('a');
    cache.sync([a], all, T0);
    const diff = cache.sync(
      [{ ...a, version: 2, state: 'closed', deadline: null, location: [113.1, 23] }],
      all,
      T0,
    );
    expect(diff).toEqual({
      update: [
        {
          id: 'a',
          addOrUpdateProperties: [
            { key: 'state', value: 'closed' },
            { key: 'open', value: false },
          ],
          newGeometry: { type: 'Point', coordinates: [113.1, 23] },
        },
      ],
    });
    // A change that the map does not draw (a note) sends nothing.
    expect(
      cache.sync(
        [{ ...a, version: 3, state: 'closed', deadline: null, location: [113.1, 23] }],
        all,
        T0,
      ),
    ).toBeUndefined();
  });

  it('ages: stops being new and turns overdue with time alone', () => {
    const cache = new IncidentFeatureCache();
    const store = [incident('a')];
    cache.sync(store, all, T0);
    expect(cache.sync(store, all, T0 + NEW_FOR_MS)?.update).toEqual([
      { id: 'a', addOrUpdateProperties: [{ key: 'isNew', value: false }] },
    ]);
    expect(cache.sync(store, all, T0 + 15 * 60_000)?.update).toEqual([
      { id: 'a', addOrUpdateProperties: [{ key: 'overdue', value: true }] },
    ]);
  });

  it('follows the filter, and drops what left the store', () => {
    const cache = new IncidentFeatureCache();
    const a = incident('a');
    const b = incident('b', { severity: 'high' });
    cache.sync([a, b], all, T0);
    expect(cache.sync([a, b], (i) => i.severity === 'high', T0)).toEqual({ remove: ['a'] });
    expect(cache.sync([a, b], all, T0)?.add?.map((f) => f.properties?.id)).toEqual(['a']);
    expect(cache.sync([b], all, T0)).toEqual({ remove: ['a'] });
    expect([...cache.ids()]).toEqual(['b']);
  });

  it('looks at only the changed ids when told which changed', () => {
    const cache = new IncidentFeatureCache();
    const store = new Map([incident('a'), incident('b')].map((i) => [i.id, i]));
    cache.sync(store.values(), all, T0);
    store.set('b', { ...store.get('b')!, severity: 'critical' });
    store.delete('a');
    expect(cache.syncSome(['b', 'a'], (id) => store.get(id), all, T0)).toEqual({
      update: [{ id: 'b', addOrUpdateProperties: [{ key: 'severity', value: 'critical' }] }],
      remove: ['a'],
    });
  });
});
