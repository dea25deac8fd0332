import { describe, expect, it } from 'vitest';
import type { ReplayAnswer, ReplayIncident, ReplayStep } from '../../../shared/index.js';
import { ReplayPlayback } from './playback.js';

// 19 November 2026 in the centre's time (UTC+8): its day began at 16:00 UTC the day before.
const at = (hhmm: string, day = '2026-11-19') => {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(Date.parse(`${day}T00:00:00Z`) + ((h! - 8) * 60 + m!) * 60_000).toISOString();
};
const step = (time: string, action: ReplayStep['action'], to: ReplayStep['to'], extra = {}) => ({
  at: time,
  action,
  to,
  by: 'x',
  ...extra,
});
function incident(id: string, steps: ReplayStep[]): ReplayIncident {
  return {
    id,
    title: id,
    category: 'dispute',
    severity: 'medium',
    groupRisk: false,
    source: 'hotline',
    location: [112.9, 22.9],
    gridId: 'g',
    communityId: 'c',
    streetId: 's',
    districtId: 'd',
    cameraId: null,
    reportedAt: steps[0]!.at,
    resolution: null,
    steps,
  };
}

const answer: ReplayAnswer = {
  from: at('08:00'),
  to: at('12:00'),
  dayStart: '2026-11-18T16:00:00.000Z',
  utcOffsetMinutes: 480,
  truncated: false,
  warnings: [],
  incidents: [
    // Closed yesterday: never on today's board.
    incident('B', [
      step(at('20:00', '2026-11-18'), 'created', 'reported'),
      step(at('22:00', '2026-11-18'), 'close', 'closed'),
    ]),
    // Reported yesterday, open all day.
    incident('C', [
      step(at('21:00', '2026-11-18'), 'created', 'reported'),
      step(at('21:30', '2026-11-18'), 'accept', 'accepted'),
    ]),
    incident('A', [
      step(at('09:00'), 'created', 'reported'),
      step(at('09:10'), 'accept', 'accepted'),
      step(at('09:20'), 'dispatch', 'dispatched'),
      step(at('09:50'), 'overdue', 'dispatched', { step: 'respond', dueAt: at('09:50') }),
      step(at('10:30'), 'close', 'closed'),
    ]),
    incident('D', [
      step(at('09:30'), 'created', 'reported'),
      step(at('09:35'), 'reject', 'rejected'),
    ]),
  ],
};

const onBoard = (p: ReplayPlayback) =>
  Object.fromEntries([...p.board.snapshot()].map((i) => [i.id, i.state]));

describe('a replay’s picture at a moment', () => {
  it('puts on the board what was there, in the state it was, and counts the day as it stood', () => {
    const p = new ReplayPlayback(answer);
    p.seek(Date.parse(at('09:55')));
    expect(onBoard(p)).toEqual({ A: 'dispatched', C: 'accepted', D: 'rejected' });
    expect(p.board.peek('A')!.deadline?.dueAt).toBe(at('09:50'));
    expect(p.figures()).toEqual({
      intake: 2,
      resolved: 0,
      selfHandled: 0,
      immediate: 0,
      resolutionRate: 0,
      onTimeRate: 0,
      open: 2,
      overdue: 1,
    });

    p.seek(Date.parse(at('10:31')));
    expect(onBoard(p)).toEqual({ A: 'closed', C: 'accepted', D: 'rejected' });
    // A closed late: resolved, but not on time; nothing overdue is open.
    expect(p.figures()).toMatchObject({
      resolved: 1,
      resolutionRate: 1,
      onTimeRate: 0,
      overdue: 0,
      open: 1,
    });
    expect(p.recent(2).map((l) => [l.incident.id, l.step.action])).toEqual([
      ['A', 'close'],
      ['A', 'overdue'],
    ]);
  });

  it('goes back in time as well as forward', () => {
    const p = new ReplayPlayback(answer);
    p.seek(Date.parse(at('11:00')));
    p.seek(Date.parse(at('09:05')));
    expect(onBoard(p)).toEqual({ A: 'reported', C: 'accepted' });
    expect(p.board.peek('A')!.deadline).toBeNull();
    p.seek(Date.parse(at('08:30')));
    expect(onBoard(p)).toEqual({ C: 'accepted' });
    expect(p.figures().intake).toBe(0);
    // The log holds what had happened by then: yesterday's steps, the latest first.
    expect(p.recent(2).map((l) => [l.incident.id, l.step.action])).toEqual([
      ['B', 'close'],
      ['C', 'accept'],
    ]);
  });

  it('shows the warnings that stood at the moment, acknowledged only once they were', () => {
    const warning = {
      id: 'YJ-1',
      rule: 'group-risk' as const,
      level: 'red' as const,
      state: 'resolved' as const,
      facts: { incidentTitle: 'A' },
      raisedAt: at('09:00'),
      updatedAt: at('10:00'),
      incidentIds: ['A'],
      acknowledged: { by: 'duty', name: '值班员', at: at('09:30') },
      resolved: { by: 'duty', name: '值班员', at: at('10:00') },
    };
    const p = new ReplayPlayback({ ...answer, warnings: [warning] });
    const standing = (hhmm: string) => {
      p.seek(Date.parse(at(hhmm)));
      return p.warnings().map((w) => [w.id, w.state]);
    };
    expect(standing('08:59')).toEqual([]);
    expect(standing('09:10')).toEqual([['YJ-1', 'open']]);
    expect(standing('09:45')).toEqual([['YJ-1', 'acknowledged']]);
    expect(standing('10:00')).toEqual([]);
  });
});
