import { describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import { incident, T0 } from '../testing/incident.js';
import { createAlertWatch } from './alerts.js';
import { deptQueue } from './queue.js';

const ME = 'dept-city-management';
const min = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function mine(id: string, dueAt: number, over: Partial<IncidentSummary> = {}): IncidentSummary {
  return incident(id, {
    state: 'dispatched',
    assignments: [{ departmentId: ME, respondedAt: null, reportedAt: null }],
    deadline: { step: 'respond', dueAt: iso(dueAt), extensions: 0, flagged: false },
    ...over,
  });
}
const kinds = (alerts: { kind: string; incidentId: string }[]) =>
  alerts.map((a) => `${a.kind}:${a.incidentId}`);

describe("a department's alerts", () => {
  it('takes the first look as the baseline: no news, but deadlines already close still warn', () => {
    const watch = createAlertWatch();
    const rows = deptQueue(
      [
        mine('far', T0 + 60 * min, { supervisedAt: iso(T0 - min) }),
        mine('close', T0 + 5 * min),
        mine('late', T0 - min),
      ],
      ME,
    );
    expect(kinds(watch.check(rows, T0))).toEqual(['overdue:late', 'soon:close']);
    expect(watch.check(rows, T0 + 1000)).toEqual([]);
  });

  it('rings for a new case, once, and for each deadline stage once', () => {
    const watch = createAlertWatch();
    watch.check([], T0);
    let incidents = [mine('a', T0 + 30 * min)];
    expect(kinds(watch.check(deptQueue(incidents, ME), T0))).toEqual(['assigned:a']);
    expect(watch.check(deptQueue(incidents, ME), T0 + min)).toEqual([]);
    expect(kinds(watch.check(deptQueue(incidents, ME), T0 + 21 * min))).toEqual(['soon:a']);
    expect(watch.check(deptQueue(incidents, ME), T0 + 22 * min)).toEqual([]);
    expect(kinds(watch.check(deptQueue(incidents, ME), T0 + 30 * min))).toEqual(['overdue:a']);
    expect(watch.check(deptQueue(incidents, ME), T0 + 40 * min)).toEqual([]);
    // Granted more time: the new deadline warns anew when it comes near.
    incidents = [mine('a', T0 + 120 * min, { version: 2 })];
    expect(watch.check(deptQueue(incidents, ME), T0 + 41 * min)).toEqual([]);
    expect(kinds(watch.check(deptQueue(incidents, ME), T0 + 115 * min))).toEqual(['soon:a']);
  });

  it('goes straight to overdue when a deadline passes unseen', () => {
    const watch = createAlertWatch();
    const rows = deptQueue([mine('a', T0 + 30 * min)], ME);
    watch.check(rows, T0);
    expect(kinds(watch.check(rows, T0 + 31 * min))).toEqual(['overdue:a']);
    expect(watch.check(rows, T0 + 32 * min)).toEqual([]);
  });

  it('rings for each new 督办 and 催办', () => {
    const watch = createAlertWatch();
    const base = mine('a', T0 + 300 * min);
    watch.check(deptQueue([base], ME), T0);
    const supervised = { ...base, supervisedAt: iso(T0 + min) };
    expect(kinds(watch.check(deptQueue([supervised], ME), T0 + min))).toEqual(['supervised:a']);
    const reminded = { ...supervised, remindedAt: iso(T0 + 2 * min) };
    expect(kinds(watch.check(deptQueue([reminded], ME), T0 + 2 * min))).toEqual(['reminded:a']);
    const again = { ...reminded, remindedAt: iso(T0 + 3 * min) };
    expect(kinds(watch.check(deptQueue([again], ME), T0 + 3 * min))).toEqual(['reminded:a']);
    expect(watch.check(deptQueue([again], ME), T0 + 4 * min)).toEqual([]);
  });

  it('does not ring again when a whistle it answered moves on to handling', () => {
    const watch = createAlertWatch();
    const OTHER = 'dept-public-security';
    const whistle = mine('w', T0 + 300 * min, {
      assignments: [
        { departmentId: ME, respondedAt: iso(T0), reportedAt: null },
        { departmentId: OTHER, respondedAt: null, reportedAt: null },
      ],
    });
    watch.check(deptQueue([whistle], ME), T0);
    const handling: IncidentSummary = {
      ...whistle,
      version: 3,
      state: 'handling',
      assignments: whistle.assignments.map((a) => ({ ...a, respondedAt: iso(T0) })),
      deadline: { step: 'handle', dueAt: iso(T0 + 600 * min), extensions: 0, flagged: false },
    };
    expect(watch.check(deptQueue([handling], ME), T0 + min)).toEqual([]);
  });
});
