import { describe, expect, it } from 'vitest';
import { testIncident } from '../../shared/testing/incident.js';
import { RecentMatters } from './recent-matters.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-03T08:00:00Z');
/** About 100 m of latitude. */
const M100 = 100 / 111_320;

function matter(id: string, north: number, daysAgo: number) {
  return {
    ...testIncident({ id }),
    location: [113.0, 23.0 + north * M100] as [number, number],
    reportedAt: new Date(NOW - daysAgo * DAY).toISOString(),
  };
}

describe('recent matters by place', () => {
  it('finds the matters within the radius and the window, oldest first, across cell borders', () => {
    const recent = new RecentMatters(7 * DAY);
    recent.add(matter('b', 1.5, 1));
    recent.add(matter('a', 0, 2));
    recent.add(matter('far', 30, 1));
    recent.add(matter('old', 0.5, 8));
    // 0.003° cells: 23.0 lies on a border, so these sit in different cells.
    recent.add(matter('c', -1.5, 0));
    expect(recent.near([113.0, 23.0], 200, NOW).map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(recent.near([113.0, 23.0], 1_000, NOW).map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(recent.near([113.0, 23.0], 5_000, NOW).map((m) => m.id)).toEqual(['a', 'b', 'far', 'c']);
  });

  it('forgets what left the window, and counts a matter once', () => {
    const recent = new RecentMatters(7 * DAY);
    recent.add(matter('a', 0, 6));
    recent.add(matter('a', 0, 6));
    expect(recent.near([113.0, 23.0], 200, NOW)).toHaveLength(1);
    recent.prune(NOW + 2 * DAY);
    expect(recent.near([113.0, 23.0], 200, NOW + 2 * DAY)).toHaveLength(0);
  });
});
