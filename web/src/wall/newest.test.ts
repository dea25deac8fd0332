import { describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import { incident, T0 } from '../testing/incident.js';
import { NewestIncidents } from './newest.js';

const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const open = (i: IncidentSummary) => i.state !== 'closed';

describe('NewestIncidents', () => {
  const store = new Map<string, IncidentSummary>();
  const put = (i: IncidentSummary) => void store.set(i.id, i);
  const ids = (n: NewestIncidents) => n.list.map((i) => i.id);

  it('keeps the newest that pass, newest first, and takes newer arrivals without a full pass', () => {
    store.clear();
    for (let m = 0; m < 20; m++)
      put(incident(`i${m}`, { reportedAt: at(m), state: m % 2 ? 'closed' : 'reported' }));
    const board = new NewestIncidents(3);
    board.rebuild(store.values(), open);
    expect(ids(board)).toEqual(['i18', 'i16', 'i14']);

    put(incident('new', { reportedAt: at(30) }));
    put(incident('old', { reportedAt: at(-5) }));
    put(incident('shut', { reportedAt: at(40), state: 'closed' }));
    expect(board.update(['new', 'old', 'shut'], (id) => store.get(id), open)).toBe(true);
    expect(ids(board)).toEqual(['new', 'i18', 'i16']);
  });

  it('asks for a full pass when a row itself changed, which then lets the next one up', () => {
    store.clear();
    for (let m = 0; m < 5; m++) put(incident(`i${m}`, { reportedAt: at(m) }));
    const board = new NewestIncidents(2);
    board.rebuild(store.values(), open);
    put({ ...store.get('i4')!, state: 'closed' });
    expect(board.update(['i4'], (id) => store.get(id), open)).toBe(false);
    board.rebuild(store.values(), open);
    expect(ids(board)).toEqual(['i3', 'i2']);
  });
});
