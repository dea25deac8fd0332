import { describe, expect, it } from 'vitest';
import type { TourPlan } from '../domain/video-patrols.js';
import { duePlan, patrolPage, scheduleWindow } from './schedule.js';

const CHINA = 480;
/** An instant given on the centre's clock (UTC+8). 2026-12-07 is a Monday. */
const at = (local: string) => Date.parse(`${local}+08:00`);

describe('scheduleWindow', () => {
  const weekdays = { days: [1, 2, 3, 4, 5], from: '09:00', to: '11:30' };

  it('holds an instant inside the window on a day named, by the centre’s clock', () => {
    expect(scheduleWindow(weekdays, at('2026-12-07T09:00:00'), CHINA)).toEqual({
      start: at('2026-12-07T09:00:00'),
      end: at('2026-12-07T11:30:00'),
    });
    expect(scheduleWindow(weekdays, at('2026-12-07T11:29:59'), CHINA)).toBeDefined();
    // The end is not in the window; nor is a minute before the start.
    expect(scheduleWindow(weekdays, at('2026-12-07T11:30:00'), CHINA)).toBeUndefined();
    expect(scheduleWindow(weekdays, at('2026-12-07T08:59:00'), CHINA)).toBeUndefined();
  });

  it('skips days not named: a Saturday is not a weekday', () => {
    expect(scheduleWindow(weekdays, at('2026-12-12T10:00:00'), CHINA)).toBeUndefined();
    expect(
      scheduleWindow({ ...weekdays, days: [6, 7] }, at('2026-12-13T10:00:00'), CHINA),
    ).toBeDefined();
  });

  it('reads the day on the centre’s clock, not UTC’s: 07:00 Monday in China is Sunday in UTC', () => {
    const early = { days: [1], from: '06:00', to: '08:00' };
    expect(scheduleWindow(early, at('2026-12-07T07:00:00'), CHINA)).toBeDefined();
    // The same instant for a centre on UTC is Sunday 23:00: outside.
    expect(scheduleWindow(early, at('2026-12-07T07:00:00'), 0)).toBeUndefined();
  });

  it('runs a night window past midnight, belonging to the day it starts on', () => {
    const fridayNight = { days: [5], from: '22:00', to: '06:00' };
    const window = { start: at('2026-12-11T22:00:00'), end: at('2026-12-12T06:00:00') };
    expect(scheduleWindow(fridayNight, at('2026-12-11T23:59:00'), CHINA)).toEqual(window);
    expect(scheduleWindow(fridayNight, at('2026-12-12T05:59:00'), CHINA)).toEqual(window);
    expect(scheduleWindow(fridayNight, at('2026-12-12T06:00:00'), CHINA)).toBeUndefined();
    // Saturday night is not Friday night.
    expect(scheduleWindow(fridayNight, at('2026-12-12T23:00:00'), CHINA)).toBeUndefined();
  });

  it('takes 00:00–24:00 as the whole day', () => {
    const allDay = { days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' };
    expect(scheduleWindow(allDay, at('2026-12-09T00:00:00'), CHINA)?.start).toBe(
      at('2026-12-09T00:00:00'),
    );
    expect(scheduleWindow(allDay, at('2026-12-09T23:59:59'), CHINA)?.end).toBe(
      at('2026-12-10T00:00:00'),
    );
  });
});

describe('duePlan', () => {
  const plan = (id: string, over: Partial<TourPlan> = {}) =>
    ({
      id,
      schedule: { days: [1, 2, 3, 4, 5, 6, 7], from: '08:00', to: '20:00' },
      walls: 'all',
      cameraIds: ['cam-1'],
      ...over,
    }) as Pick<TourPlan, 'id' | 'schedule' | 'walls' | 'cameraIds'>;

  it('picks nothing outside every schedule, and skips plans run by hand only', () => {
    expect(duePlan([plan('a')], at('2026-12-07T21:00:00'), CHINA, 'w')).toBeUndefined();
    expect(
      duePlan([plan('a', { schedule: null })], at('2026-12-07T10:00:00'), CHINA, 'w'),
    ).toBeUndefined();
  });

  it('runs only on the walls a plan names', () => {
    const p = plan('a', { walls: ['hall-east'] });
    expect(duePlan([p], at('2026-12-07T10:00:00'), CHINA, 'hall-east')?.plan.id).toBe('a');
    expect(duePlan([p], at('2026-12-07T10:00:00'), CHINA, 'hall-west')).toBeUndefined();
  });

  it('lets the window that began last take over, ties to the earlier id', () => {
    const routine = plan('routine');
    const school = plan('school', { schedule: { days: [1], from: '15:30', to: '16:30' } });
    const plans = [routine, school];
    expect(duePlan(plans, at('2026-12-07T15:00:00'), CHINA, 'w')?.plan.id).toBe('routine');
    expect(duePlan(plans, at('2026-12-07T16:00:00'), CHINA, 'w')?.plan.id).toBe('school');
    expect(duePlan(plans, at('2026-12-07T16:30:00'), CHINA, 'w')?.plan.id).toBe('routine');
    expect(duePlan([plan('b'), plan('a')], at('2026-12-07T10:00:00'), CHINA, 'w')?.plan.id).toBe(
      'a',
    );
  });

  it('skips a plan with no cameras to show', () => {
    expect(
      duePlan([plan('a', { cameraIds: [] })], at('2026-12-07T10:00:00'), CHINA, 'w'),
    ).toBeUndefined();
  });
});

describe('patrolPage', () => {
  const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];

  it('pages through the cameras, tiles at a time, each page dwell seconds, round and round', () => {
    const start = 1_000_000;
    expect(patrolPage(ids, 4, 5, start, start)).toEqual({
      index: 0,
      count: 2,
      cameraIds: ['c1', 'c2', 'c3', 'c4'],
      nextAt: start + 5_000,
    });
    expect(patrolPage(ids, 4, 5, start, start + 5_000).cameraIds).toEqual(['c5', 'c6']);
    expect(patrolPage(ids, 4, 5, start, start + 10_000).index).toBe(0);
    expect(patrolPage(ids, 4, 5, start, start + 12_000).nextAt).toBe(start + 15_000);
  });

  it('has one page for a plan that fits, and stays on the first before its start', () => {
    expect(patrolPage(ids, 9, 30, 0, 100_000)).toMatchObject({ index: 0, count: 1 });
    expect(patrolPage(ids, 1, 5, 10_000, 0)).toMatchObject({ index: 0, nextAt: 15_000 });
  });
});
