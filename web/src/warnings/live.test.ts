import { describe, expect, it } from 'vitest';
import type { Warning, WarningLevel } from '../../../shared/domain/warnings.js';
import { applyWarnings, warningsFromSnapshot } from './live.js';

const warning = (
  id: string,
  level: WarningLevel,
  raisedAt: string,
  extra: Partial<Warning> = {},
): Warning => ({
  id,
  rule: 'repeat-matter',
  level,
  state: 'open',
  facts: { category: 'dispute', count: 3, radiusM: 500, days: 3 },
  raisedAt,
  updatedAt: raisedAt,
  incidentIds: [],
  ...extra,
});
const ids = (list: readonly Warning[]) => list.map((w) => w.id);

describe('applying warning deltas', () => {
  const blue = warning('YJ-1', 'blue', '2026-11-22T08:00:00.000Z');
  const orange = warning('YJ-2', 'orange', '2026-11-22T08:01:00.000Z');
  const red = warning('YJ-3', 'red', '2026-11-22T07:00:00.000Z');

  it('keeps a snapshot’s active warnings, most urgent first', () => {
    const resolved = warning('YJ-9', 'red', '2026-11-22T09:00:00.000Z', { state: 'resolved' });
    expect(ids(warningsFromSnapshot([blue, resolved, orange, red]))).toEqual([
      'YJ-3',
      'YJ-2',
      'YJ-1',
    ]);
    expect(warningsFromSnapshot(undefined)).toEqual([]);
  });

  it('adds a new warning in its place by urgency', () => {
    const list = applyWarnings([orange, blue], [red]);
    expect(ids(list)).toEqual(['YJ-3', 'YJ-2', 'YJ-1']);
    // Same level: the newest first.
    const later = warning('YJ-4', 'orange', '2026-11-22T09:00:00.000Z');
    expect(ids(applyWarnings(list, [later]))).toEqual(['YJ-3', 'YJ-4', 'YJ-2', 'YJ-1']);
  });

  it('replaces a warning that changed, and moves it when its level did', () => {
    const raised = {
      ...blue,
      level: 'red' as const,
      facts: { ...blue.facts, count: 6 },
      updatedAt: '2026-11-22T09:30:00.000Z',
    };
    const list = applyWarnings([orange, blue], [raised]);
    expect(ids(list)).toEqual(['YJ-1', 'YJ-2']);
    expect(list[0]).toBe(raised);
    const acked = {
      ...orange,
      state: 'acknowledged' as const,
      acknowledged: { by: 'duty', name: '李明', at: '2026-11-22T09:31:00.000Z' },
      updatedAt: '2026-11-22T09:31:00.000Z',
    };
    expect(applyWarnings(list, [acked])[1]).toBe(acked);
  });

  it('removes a resolved warning', () => {
    const over = { ...orange, state: 'resolved' as const, updatedAt: '2026-11-22T10:00:00.000Z' };
    expect(ids(applyWarnings([red, orange, blue], [over]))).toEqual(['YJ-3', 'YJ-1']);
    // One resolved that was never held changes nothing.
    const before = [red];
    expect(applyWarnings(before, [over])).toBe(before);
  });

  it('applies a batch in order: raised then resolved leaves nothing', () => {
    const fresh = warning('YJ-5', 'yellow', '2026-11-22T10:00:00.000Z');
    const over = { ...fresh, state: 'resolved' as const, updatedAt: '2026-11-22T10:05:00.000Z' };
    expect(ids(applyWarnings([blue], [fresh, over]))).toEqual(['YJ-1']);
  });

  it('ignores a change older than the one held', () => {
    const acked = { ...red, state: 'acknowledged' as const, updatedAt: '2026-11-22T09:00:00.000Z' };
    const list = applyWarnings([red], [acked]);
    expect(applyWarnings(list, [red])).toBe(list);
  });

  it('only updates, never adds, when told so (an action’s answer after the feed resolved it)', () => {
    const acked = { ...red, state: 'acknowledged' as const, updatedAt: '2026-11-22T09:00:00.000Z' };
    const before = [blue];
    expect(applyWarnings(before, [acked], { addNew: false })).toBe(before);
    expect(applyWarnings([red, blue], [acked], { addNew: false })[0]).toBe(acked);
  });
});
