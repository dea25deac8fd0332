import { describe, expect, it } from 'vitest';
import { centreClock, centreDay, centreDayStart, clipToToday, periodOf } from './periods.js';

describe('statistics periods', () => {
  it('weeks start on Monday and compare with the week before', () => {
    // 2026-12-03 is a Thursday.
    expect(periodOf('week', '2026-12-03')).toMatchObject({
      from: '2026-11-30',
      to: '2026-12-06',
      previous: { from: '2026-11-23', to: '2026-11-29' },
      lastYear: { from: '2025-11-30', to: '2025-12-06' },
    });
  });

  it('quarters, months and years follow the calendar', () => {
    expect(periodOf('quarter', '2026-02-14')).toMatchObject({
      from: '2026-01-01',
      to: '2026-03-31',
      previous: { from: '2025-10-01', to: '2025-12-31' },
    });
    expect(periodOf('month', '2026-03-31').previous).toEqual({
      from: '2026-02-01',
      to: '2026-02-28',
    });
    expect(periodOf('year', '2026-06-01')).toMatchObject({ from: '2026-01-01', to: '2026-12-31' });
  });

  it('a custom range compares with the same number of days before it', () => {
    expect(periodOf('custom', '2026-11-10', '2026-11-19').previous).toEqual({
      from: '2026-10-31',
      to: '2026-11-09',
    });
  });

  it('29 February a year back is 28 February', () => {
    expect(periodOf('day', '2028-02-29').lastYear).toEqual({
      from: '2027-02-28',
      to: '2027-02-28',
    });
  });

  it('a period still running is counted to today, and compared as far into the others', () => {
    const month = clipToToday(periodOf('month', '2026-12-03'), '2026-12-03');
    expect(month).toMatchObject({
      from: '2026-12-01',
      to: '2026-12-03',
      previous: { from: '2026-11-01', to: '2026-11-03' },
      lastYear: { from: '2025-12-01', to: '2025-12-03' },
      toDate: true,
    });
    const past = periodOf('month', '2026-10-03');
    expect(clipToToday(past, '2026-12-03')).toBe(past);
  });
});

describe('the centre’s calendar', () => {
  it('knows the centre’s day in China’s time and in a zone behind UTC', () => {
    const now = Date.parse('2026-12-02T17:30:00.000Z'); // 01:30 on 3 December in Beijing
    expect(centreDay(now, 480)).toBe('2026-12-03');
    expect(new Date(centreDayStart(now, 480)).toISOString()).toBe('2026-12-02T16:00:00.000Z');
    expect(centreClock(now, 480)).toBe('2026-12-03 01:30');
    expect(centreClock(now + 5_000, 480, true)).toBe('2026-12-03 01:30:05');
    // 12:30 on 2 December at UTC-5: its day began at 05:00 UTC.
    expect(centreDay(now, -300)).toBe('2026-12-02');
    expect(new Date(centreDayStart(now, -300)).toISOString()).toBe('2026-12-02T05:00:00.000Z');
  });
});
