import type { Category, DeadlineStep } from '../domain/incidents.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Default time limits (限时办结) per step, in milliseconds, and the categories that run on a
 * tighter or looser clock. A centre overrides them in config; these are the documented defaults.
 */
export const DEFAULT_STEP_LIMITS: Readonly<Record<DeadlineStep, number>> = {
  accept: 15 * MINUTE,
  dispatch: 1 * HOUR,
  respond: 30 * MINUTE,
  handle: 24 * HOUR,
  verify: 24 * HOUR,
  evaluate: 72 * HOUR,
};

export const DEFAULT_CATEGORY_LIMITS: Readonly<
  Partial<Record<Category, Partial<Record<DeadlineStep, number>>>>
> = {
  // Disputes need mediation sessions: three days to handle.
  dispute: { handle: 72 * HOUR },
  'public-order': {
    accept: 10 * MINUTE,
    dispatch: 20 * MINUTE,
    respond: 15 * MINUTE,
    handle: 4 * HOUR,
  },
  'safety-hazard': { dispatch: 30 * MINUTE, handle: 24 * HOUR },
  // Hotline work orders (12345) customarily get five working days, taken here as five days.
  'citizen-request': { dispatch: 2 * HOUR, handle: 120 * HOUR },
  'video-alarm': {
    accept: 5 * MINUTE,
    dispatch: 15 * MINUTE,
    respond: 10 * MINUTE,
    handle: 2 * HOUR,
  },
  emergency: { accept: 3 * MINUTE, dispatch: 10 * MINUTE, respond: 10 * MINUTE, handle: 1 * HOUR },
};

export type DeadlineLimits = (category: Category, step: DeadlineStep) => number;

/** The limit for one step of one category: the category's own, else the step's default. */
export const defaultLimits: DeadlineLimits = (category, step) =>
  DEFAULT_CATEGORY_LIMITS[category]?.[step] ?? DEFAULT_STEP_LIMITS[step];
