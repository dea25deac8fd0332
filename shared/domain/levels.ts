import { z } from 'zod';
import { TimestampSchema } from './common.js';
import type { RegionLevel } from './regions.js';
import type { Severity } from './incidents.js';

/**
 * The levels a centre can work at (五级联动: 市、县/区、乡镇/街道、村/社区, and the grid below),
 * top down. The grid has no centre: its worker reports to the community's.
 */
export const CENTRE_LEVELS = ['city', 'district', 'street', 'community'] as const;
export const CentreLevelSchema = z.enum(CENTRE_LEVELS);
export type CentreLevel = z.infer<typeof CentreLevelSchema>;

/** The levels below the city: a sub-centre (分中心) works one region of one of these. */
export const SUB_CENTRE_LEVELS = ['district', 'street', 'community'] as const;
export const SubCentreLevelSchema = z.enum(SUB_CENTRE_LEVELS);
export type SubCentreLevel = z.infer<typeof SubCentreLevelSchema>;

/**
 * A sub-centre's area: a user scoped to it sees and acts on its area only. A user, wall or
 * department without one works the whole city.
 */
export interface Scope {
  regionId: string;
  level: SubCentreLevel;
}

/** Where an incident (or anything else placed in a grid) lies, at every level. */
export interface Area {
  gridId: string;
  communityId: string;
  streetId: string;
  districtId: string;
}

const AREA_KEY = {
  district: 'districtId',
  street: 'streetId',
  community: 'communityId',
} as const satisfies Record<SubCentreLevel, keyof Area>;

/** Whether a place lies in a scope; everything lies in the city's. */
export function inScope(scope: Scope | undefined, area: Area): boolean {
  return !scope || area[AREA_KEY[scope.level]] === scope.regionId;
}

/** The region of one level a place lies in: the centre of that level for it. */
export function regionAt(area: Omit<Area, 'gridId'>, level: SubCentreLevel): string {
  return area[AREA_KEY[level]];
}

/** How far down the tree a level is: the city 0, a community 3. */
export function depthOf(level: CentreLevel | RegionLevel): number {
  return level === 'grid' ? 4 : CENTRE_LEVELS.indexOf(level);
}

/** A handover between levels, waiting for the receiving centre to take it (接收). */
export const HANDOVER_KINDS = ['escalate', 'assign-down'] as const;
export const HandoverSchema = z.object({
  /** 上报/提级 up a level, or 下派 down. */
  kind: z.enum(HANDOVER_KINDS),
  from: CentreLevelSchema,
  to: CentreLevelSchema,
  at: TimestampSchema,
  /** By when the receiving centre must take it. */
  dueAt: TimestampSchema,
  /** Whether its passing was already flagged, so it is flagged once. */
  flagged: z.boolean(),
});
export type Handover = z.infer<typeof HandoverSchema>;

/**
 * How a centre's levels work together: which levels have centres, where a new matter starts
 * (大事全网联动、小事一格处理: the small ones at the community, the grave ones at the city), and
 * how long each level has to take a matter handed to it. Configuration, not code.
 */
export interface LevelRules {
  /** The levels with centres, the city always among them. */
  centres: readonly CentreLevel[];
  /** The level a new incident starts at, by severity (the nearest centre at or above it). */
  start: Readonly<Record<Severity, CentreLevel>>;
  /** Milliseconds a level has to take a matter handed to it (escalated or assigned down). */
  takeWithin: Readonly<Record<CentreLevel, number>>;
}

const MINUTE = 60_000;
export const DEFAULT_LEVEL_RULES: LevelRules = {
  centres: ['city', 'street', 'community'],
  start: { low: 'community', medium: 'street', high: 'city', critical: 'city' },
  takeWithin: {
    city: 15 * MINUTE,
    district: 20 * MINUTE,
    street: 30 * MINUTE,
    community: 60 * MINUTE,
  },
};

/** The level with a centre nearest `level` at or above it (the city at worst). */
export function centreAtOrAbove(rules: LevelRules, level: CentreLevel): CentreLevel {
  for (let d = depthOf(level); d > 0; d--) {
    const candidate = CENTRE_LEVELS[d]!;
    if (rules.centres.includes(candidate)) return candidate;
  }
  return 'city';
}

/** The next level up with a centre, or undefined at the city. */
export function centreAbove(rules: LevelRules, level: CentreLevel): CentreLevel | undefined {
  return depthOf(level) === 0
    ? undefined
    : centreAtOrAbove(rules, CENTRE_LEVELS[depthOf(level) - 1]!);
}

/** The level holding an incident: the city's unless a sub-centre holds it. */
export function holdingLevel(incident: { centreLevel?: SubCentreLevel }): CentreLevel {
  return incident.centreLevel ?? 'city';
}
