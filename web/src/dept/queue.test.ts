import { describe, expect, it } from 'vitest';
import type { Assignment, IncidentSummary } from '../../../shared/domain/incidents.js';
import { incident, T0 } from '../testing/incident.js';
import { deptQueue, deptRow, doneToday, isWhistle } from './queue.js';

const ME = 'dept-city-management';
const OTHER = 'dept-public-security';
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const part = (departmentId: string, responded?: number, reported?: number): Assignment => ({
  departmentId,
  respondedAt: responded === undefined ? null : iso(responded),
  reportedAt: reported === undefined ? null : iso(reported),
});

function assigned(
  id: string,
  assignments: Assignment[],
  { state = 'dispatched', step = 'respond', dueMin = 60, reportedMin = 0 } = {},
): IncidentSummary {
  return incident(id, {
    state: state as IncidentSummary['state'],
    assignments,
    reportedAt: iso(reportedMin),
    deadline: {
      step: step as 'respond',
      dueAt: iso(dueMin),
      extensions: 0,
      flagged: false,
    },
  });
}

describe("a department's queue", () => {
  it('holds only open incidents with its own part still to do, nearest deadline first', () => {
    const rows = deptQueue(
      [
        assigned('later', [part(ME)], { dueMin: 90 }),
        assigned('sooner', [part(ME)], { dueMin: 30 }),
        assigned('overdue', [part(ME, 1)], { state: 'handling', step: 'handle', dueMin: -5 }),
        assigned('others', [part(OTHER)], { dueMin: 1 }),
        assigned('reported', [part(ME, 1, 2)], { state: 'verifying', step: 'verify', dueMin: 2 }),
        assigned('returned', [], { state: 'accepted', step: 'dispatch', dueMin: 3 }),
        incident('closed', { state: 'closed', assignments: [part(ME, 1, 2)], deadline: null }),
      ],
      ME,
    );
    expect(rows.map((r) => r.incident.id)).toEqual(['overdue', 'sooner', 'later']);
    expect(rows.map((r) => r.next)).toEqual(['report', 'respond', 'respond']);
  });

  it('tells a whistle (报到) from a dispatch (签收) by how many departments it summons', () => {
    expect(isWhistle(assigned('w', [part(ME), part(OTHER)]))).toBe(true);
    expect(isWhistle(assigned('d', [part(ME)]))).toBe(false);
    expect(deptRow(assigned('w', [part(ME), part(OTHER)]), ME)?.whistle).toBe(true);
  });

  it('puts a whistle it has answered behind the rest while the others have not, with no deadline of its own', () => {
    const waiting = assigned('waiting', [part(ME, 1), part(OTHER)], { dueMin: 5 });
    const rows = deptQueue([waiting, assigned('mine', [part(ME)], { dueMin: 600 })], ME);
    expect(rows.map((r) => [r.incident.id, r.next, r.dueAt])).toEqual([
      ['mine', 'respond', T0 + 600 * 60_000],
      ['waiting', 'wait', null],
    ]);
  });

  it('keeps a whistle it has reported on out of the queue while the others still work', () => {
    const i = assigned('w', [part(ME, 1, 3), part(OTHER, 1)], {
      state: 'handling',
      step: 'handle',
    });
    expect(deptRow(i, ME)).toBeUndefined();
    expect(deptRow(i, OTHER)?.next).toBe('report');
  });

  it("lists what it reported back on since the centre's midnight, latest first", () => {
    // 2026-11-22 on a centre's clock of UTC+8 (480 minutes), whatever zone this machine is in.
    const at = (h: number) => new Date(Date.UTC(2026, 10, 22, h) - 480 * 60_000).toISOString();
    const now = new Date(at(15));
    const done = (id: string, reportedAt: string) =>
      incident(id, {
        state: 'verifying',
        assignments: [{ departmentId: ME, respondedAt: reportedAt, reportedAt }],
      });
    // 05:00 in the centre is the evening before in UTC; 23:30 the evening before is not today.
    const lateYesterday = new Date(Date.parse(at(0)) - 30 * 60_000).toISOString();
    const list = doneToday(
      [
        done('early', at(5)),
        done('morning', at(9)),
        done('noon', at(12)),
        done('yesterday', lateYesterday),
      ],
      ME,
      now.getTime(),
      480,
    );
    expect(list.map((i) => i.id)).toEqual(['noon', 'morning', 'early']);
  });
});
