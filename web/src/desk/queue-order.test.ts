import { describe, expect, it } from 'vitest';
import {
  summarize,
  type IncidentSummary,
  type Severity,
} from '../../../shared/domain/incidents.js';
import { seededRandom } from '../../../shared/random.js';
import { T0, testIncident } from '../../../shared/testing/incident.js';
import { queueTop } from './queue-order.js';

const now = new Date(T0 + 60 * 60_000);
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

function incident(
  id: string,
  reportedMin: number,
  { dueMin = 120, severity = 'low' as Severity } = {},
): IncidentSummary {
  return summarize(
    testIncident({
      id,
      severity,
      reportedAt: iso(reportedMin),
      deadline: { step: 'accept', dueAt: iso(dueMin), extensions: 0, flagged: false },
    }),
  );
}
const ids = (rows: IncidentSummary[]) => rows.map((i) => i.id);
const all = () => true;

describe('the desk queue', () => {
  it('puts overdue incidents first, then the newest, and counts what it does not draw', () => {
    const feed = [
      incident('old', 0),
      incident('late', 5, { dueMin: 30 }),
      incident('new', 50),
      incident('mid', 20),
    ];
    expect(ids(queueTop(feed, all, 'reported', now, 10).rows)).toEqual([
      'late',
      'new',
      'mid',
      'old',
    ]);
    const head = queueTop(feed, all, 'reported', now, 2);
    expect(ids(head.rows)).toEqual(['late', 'new']);
    expect(head.total).toBe(4);
    expect(queueTop(feed, (i) => i.id !== 'late', 'reported', now, 10).total).toBe(3);
  });

  it('orders by severity or by deadline when the officer asks, newest first on ties', () => {
    const feed = [
      incident('low', 40),
      incident('critical', 10, { severity: 'critical', dueMin: 200 }),
      incident('high-old', 5, { severity: 'high', dueMin: 90 }),
      incident('high-new', 30, { severity: 'high', dueMin: 150 }),
    ];
    expect(ids(queueTop(feed, all, 'severity', now, 10).rows)).toEqual([
      'critical',
      'high-new',
      'high-old',
      'low',
    ]);
    expect(ids(queueTop(feed, all, 'deadline', now, 10).rows)).toEqual([
      'high-old',
      'low',
      'high-new',
      'critical',
    ]);
  });

  it('draws the same head of 20,000 incidents as the whole queue would', () => {
    const random = seededRandom(7);
    const severities: Severity[] = ['low', 'medium', 'high', 'critical'];
    const feed = Array.from({ length: 20_000 }, (_, n) =>
      incident(`INC-${n}`, Math.floor(random() * 60), {
        dueMin: Math.floor(random() * 240),
        severity: severities[Math.floor(random() * 4)],
      }),
    );
    for (const sort of ['reported', 'severity', 'deadline'] as const) {
      const whole = queueTop(feed, all, sort, now, Infinity);
      const head = queueTop(feed, all, sort, now, 200);
      expect(ids(head.rows)).toEqual(ids(whole.rows.slice(0, 200)));
      expect(head.total).toBe(20_000);
    }
  });
});
