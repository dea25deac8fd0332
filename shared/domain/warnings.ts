import type { LngLat } from './common.js';
import { inScope, type Area, type Scope } from './levels.js';

/**
 * Early warning (预警): what the rules saw coming, first-class beside incidents. Four levels of
 * colour, least to most urgent (蓝 黄 橙 红), as in the national emergency warning scale.
 */
export const WARNING_LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

/**
 * The rules that raise warnings (docs/WARNINGS.md):
 * - `group-risk`: a report flagged as a group risk (群体性), at once;
 * - `repeat-matter`: the same kind of matter again and again at one place (e.g. disputes);
 * - `department-overdue`: a department piling up overdue matters;
 * - `key-camera-offline`: a camera watching a key place (重点场所) gone offline;
 * - `grid-surge`: a grid whose week is far above its own weeks before (网格事项异常增多).
 */
export const WARNING_RULES = [
  'group-risk',
  'repeat-matter',
  'department-overdue',
  'key-camera-offline',
  'grid-surge',
] as const;
export type WarningRule = (typeof WARNING_RULES)[number];

/** Raised, seen by someone at a desk (已确认), over (已解除). */
export const WARNING_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type WarningState = (typeof WARNING_STATES)[number];

/**
 * Why the rule fired, as figures the screens put into words in their own language. Which keys a
 * rule fills is fixed per rule:
 * - group-risk: `incidentTitle`
 * - repeat-matter: `category`, `count`, `radiusM`, `days`
 * - department-overdue: `departmentId`, `count`
 * - key-camera-offline: `cameraId`, `placeName`
 * - grid-surge: `count` (matters in its last 7 days), `baseline` (its weekly mean before),
 *   `weeks` (how many weeks the mean is over), `p` (how likely so many were by chance)
 */
export interface WarningFacts {
  incidentTitle?: string;
  category?: string;
  count?: number;
  radiusM?: number;
  days?: number;
  departmentId?: string;
  cameraId?: string;
  placeName?: string;
  baseline?: number;
  weeks?: number;
  p?: number;
}

export interface WarningMark {
  /** Username, or `system` when the warning resolved itself (its cause went away). */
  by: string;
  /** Display name at the time. */
  name: string;
  at: string;
  note?: string;
}

export interface Warning {
  /** `YJ-` and the centre's running number. */
  id: string;
  rule: WarningRule;
  level: WarningLevel;
  state: WarningState;
  facts: WarningFacts;
  raisedAt: string;
  updatedAt: string;
  /** Where it is, when it is somewhere. */
  location?: LngLat;
  /** The grid and regions it lies in, which scope it like an incident; the city's if absent. */
  area?: Area;
  /** The incidents behind it, oldest first. */
  incidentIds: string[];
  acknowledged?: WarningMark;
  resolved?: WarningMark;
}

/** Whether a warning still asks for attention (not resolved). */
export const isActiveWarning = (w: Pick<Warning, 'state'>): boolean => w.state !== 'resolved';

/** Whether a sub-centre sees it: a warning somewhere in its area; the city sees every one. */
export function warningInScope(scope: Scope | undefined, w: Pick<Warning, 'area'>): boolean {
  return !scope || (!!w.area && inScope(scope, w.area));
}

/** Most urgent first: level, then the newest. */
export function byUrgency(a: Warning, b: Warning): number {
  return (
    WARNING_LEVELS.indexOf(b.level) - WARNING_LEVELS.indexOf(a.level) ||
    b.raisedAt.localeCompare(a.raisedAt)
  );
}
