import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Actor, Warning } from '../../shared/index.js';
import { startWarningDesk, type Warnings } from './warning-desk.js';

const T0 = Date.parse('2026-12-03T08:00:00Z');

function warning(id: string, rule: Warning['rule']): Warning {
  const at = new Date(T0).toISOString();
  return {
    id,
    rule,
    level: 'orange',
    state: 'open',
    facts: {},
    raisedAt: at,
    updatedAt: at,
    incidentIds: [],
  };
}

afterEach(() => vi.useRealTimers());

describe('the simulated officer at the warnings list', () => {
  it('acknowledges every warning within minutes, and ends only those no cause will end', async () => {
    vi.useFakeTimers({ now: T0 });
    const list = [warning('YJ-1', 'repeat-matter'), warning('YJ-2', 'group-risk')];
    const done: string[] = [];
    const warnings: Warnings = {
      current: () => list.filter((w) => w.state !== 'resolved'),
      async acknowledge(id: string, actor: Actor, note?: string) {
        const w = list.find((x) => x.id === id)!;
        Object.assign(w, {
          state: 'acknowledged',
          acknowledged: { by: actor.id, name: actor.name, at: new Date().toISOString(), note },
        });
        done.push(`ack ${id}`);
        return w;
      },
      async resolve(id: string, actor: Actor, note: string) {
        const w = list.find((x) => x.id === id)!;
        Object.assign(w, {
          state: 'resolved',
          resolved: { by: actor.id, name: actor.name, at: new Date().toISOString(), note },
        });
        done.push(`resolve ${id}`);
        return w;
      },
    };
    const desk = startWarningDesk({
      warnings,
      clock: () => new Date(),
      rng: () => 0.5,
      timeScale: 1,
      log: () => {},
    });
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(done.sort()).toEqual(['ack YJ-1', 'ack YJ-2']);
    await vi.advanceTimersByTimeAsync(120 * 60_000);
    expect(done).toContain('resolve YJ-1');
    expect(done).not.toContain('resolve YJ-2');
    desk.stop();
  });
});
