import type { TourPlan, TourSchedule } from '../domain/video-patrols.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A stretch of time, ms since the epoch: from `start`, up to but not including `end`. */
export interface TimeWindow {
  start: number;
  end: number;
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/**
 * The window of a schedule that holds the instant `at`, on a centre `utcOffsetMinutes` from UTC
 * (China has one offset and no daylight saving), or undefined when the schedule is not running
 * then. A window past midnight belongs to the day it starts on.
 */
export function scheduleWindow(
  schedule: TourSchedule,
  at: number,
  utcOffsetMinutes: number,
): TimeWindow | undefined {
  const offset = utcOffsetMinutes * MINUTE_MS;
  const local = at + offset;
  const today = Math.floor(local / DAY_MS) * DAY_MS;
  const from = minutes(schedule.from) * MINUTE_MS;
  const to = minutes(schedule.to) * MINUTE_MS;
  const length = to > from ? to - from : DAY_MS - from + to;
  // Today's window, or one that began yesterday and runs on past midnight.
  for (const day of [today, today - DAY_MS]) {
    const start = day + from;
    const weekday = new Date(day).getUTCDay() || 7;
    if (schedule.days.includes(weekday) && local >= start && local < start + length)
      return { start: start - offset, end: start + length - offset };
  }
  return undefined;
}

/** Whether a plan is for this wall: every wall, or one of those it names. */
export function planForWall(plan: Pick<TourPlan, 'walls'>, wall: string): boolean {
  return plan.walls === 'all' || plan.walls.includes(wall);
}

/** A plan due on a wall now, and the window it runs in. */
export interface DuePlan<P> {
  plan: P;
  window: TimeWindow;
}

/**
 * The plan a wall runs at an instant: of the plans for the wall whose schedule holds the
 * instant, the one whose window began last (a short special patrol inside a long routine one
 * takes over for its while); a tie goes to the earlier id, so every wall picks the same one.
 * Plans with no cameras are skipped: an empty plan must not blank a wall.
 */
export function duePlan<P extends Pick<TourPlan, 'id' | 'schedule' | 'walls' | 'cameraIds'>>(
  plans: readonly P[],
  at: number,
  utcOffsetMinutes: number,
  wall: string,
): DuePlan<P> | undefined {
  let best: DuePlan<P> | undefined;
  for (const plan of plans) {
    if (!plan.schedule || !plan.cameraIds.length || !planForWall(plan, wall)) continue;
    const window = scheduleWindow(plan.schedule, at, utcOffsetMinutes);
    if (!window) continue;
    if (
      !best ||
      window.start > best.window.start ||
      (window.start === best.window.start && plan.id < best.plan.id)
    )
      best = { plan, window };
  }
  return best;
}

/** Which page of a run is up at an instant, and when the next one comes. */
export interface PatrolPage {
  /** 0-based. */
  index: number;
  count: number;
  cameraIds: string[];
  /** When the page changes (ms). */
  nextAt: number;
}

/**
 * The page of a plan's cameras up at `at` for a run that began at `startedAt`: `tiles` cameras
 * a page, each page `dwellSeconds`, round and round. Reckoned from the start rather than
 * counted by a timer, so two walls running the same window show the same page, and a wall that
 * reloads comes back on the page it was on.
 */
export function patrolPage(
  cameraIds: readonly string[],
  tiles: number,
  dwellSeconds: number,
  startedAt: number,
  at: number,
): PatrolPage {
  const count = Math.max(1, Math.ceil(cameraIds.length / tiles));
  const dwell = dwellSeconds * 1000;
  const step = Math.max(0, Math.floor((at - startedAt) / dwell));
  const index = step % count;
  return {
    index,
    count,
    cameraIds: cameraIds.slice(index * tiles, index * tiles + tiles),
    nextAt: startedAt + (step + 1) * dwell,
  };
}
