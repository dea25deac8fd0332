import { z } from 'zod';
import { IdSchema, LngLatSchema } from './common.js';

export const DEPARTMENT_KINDS = [
  'public-security',
  'city-management',
  'emergency-management',
  'housing',
  'health',
  'market-regulation',
  'mediation',
  'civil-affairs',
  'transport',
  'environment',
  'fire',
  'education',
  'water',
  'letters-visits',
  'street-office',
  'community-station',
] as const;
export const DepartmentKindSchema = z.enum(DEPARTMENT_KINDS);
export type DepartmentKind = z.infer<typeof DepartmentKindSchema>;

/** 处置部门: who an incident is dispatched to. */
export const DepartmentSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  kind: DepartmentKindSchema,
  /** Street offices serve one street; city departments serve everywhere. */
  streetId: IdSchema.optional(),
  /**
   * The area it serves when that is not a street: a community's service station (社区服务站),
   * a district's bureau. A department with an area is sent only to matters in it.
   */
  regionId: IdSchema.optional(),
  /** Its duty telephone, when the package gives one. */
  phone: z.string().min(5).optional(),
});
export type Department = z.infer<typeof DepartmentSchema>;

export const PATROL_KINDS = ['police', 'special-police', 'city-management', 'volunteer'] as const;
export const PatrolKindSchema = z.enum(PATROL_KINDS);
export type PatrolKind = z.infer<typeof PatrolKindSchema>;

export const PATROL_STATUSES = ['patrolling', 'responding', 'resting'] as const;
export const PatrolStatusSchema = z.enum(PATROL_STATUSES);
export type PatrolStatus = z.infer<typeof PatrolStatusSchema>;

/** 巡逻队: a patrol unit with a live position. */
export const PatrolSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  kind: PatrolKindSchema,
  members: z.number().int().positive(),
  /** The street (or district) whose beat it walks. */
  regionId: IdSchema,
  position: LngLatSchema,
  heading: z.number().min(0).lt(360),
  status: PatrolStatusSchema,
  /** Its beat along the road network, a closed loop the simulator moves it along. */
  route: z.array(LngLatSchema).min(2),
});
export type Patrol = z.infer<typeof PatrolSchema>;
