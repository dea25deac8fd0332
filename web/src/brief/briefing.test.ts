import { describe, expect, it } from 'vitest';
import { incident } from '../testing/incident.js';
import { todaysMajorIncidents } from './briefing.js';

describe('今日要情', () => {
  it('lists today’s high and critical matters, the gravest and newest first', () => {
    const start = '2026-12-02T16:00:00.000Z';
    const list = todaysMajorIncidents(
      [
        incident('a', { severity: 'high', reportedAt: '2026-12-03T01:00:00.000Z' }),
        incident('b', { severity: 'critical', reportedAt: '2026-12-03T00:30:00.000Z' }),
        incident('c', { severity: 'medium', reportedAt: '2026-12-03T02:00:00.000Z' }),
        incident('d', { severity: 'critical', reportedAt: '2026-12-02T15:59:00.000Z' }),
        incident('e', { severity: 'high', reportedAt: '2026-12-03T03:00:00.000Z' }),
      ],
      start,
    );
    expect(list.map((i) => i.id)).toEqual(['b', 'e', 'a']);
  });
});
