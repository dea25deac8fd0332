import { z } from 'zod';

/** A WGS-84 position as [longitude, latitude], the GeoJSON order. */
export const LngLatSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export type LngLat = z.infer<typeof LngLatSchema>;

/** ISO-8601 timestamps travel as strings so that JSON, SQLite and the socket agree. */
export const TimestampSchema = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof TimestampSchema>;

export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'ids use letters, digits and _ . : - only');

export const ROLES = [
  'duty',
  'operator',
  'leader',
  'department',
  'grid',
  'patrol',
  'admin',
] as const;
export const RoleSchema = z.enum(ROLES);
/**
 * duty: acts on incidents; operator: runs the wall; leader: read-only briefing;
 * department: a handling department's own system (takes its side of the loop);
 * grid: a grid worker (网格员) on the phone: reports, settles small matters, checks and calls back
 * on the incidents of its grids; patrol: a patrol team's phone, sent to incidents;
 * admin: reads the audit trail (审计日志) and nothing of the loop: no screen, no action, so
 * whoever checks the others is not one of them. A person who needs both gets two accounts.
 */
export type Role = z.infer<typeof RoleSchema>;
/** The roles that see the live picture and the loop's data: every one but `admin`. */
export const LOOP_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'admin');

/**
 * Who a user of a role acts as: a department's user for its department, a grid worker's phone
 * for that grid worker, a patrol's phone for that patrol team. Each of these roles needs its
 * binding; no other role has one.
 */
export const ROLE_BINDINGS = {
  department: 'departmentId',
  grid: 'gridWorkerId',
  patrol: 'patrolId',
} as const satisfies Partial<Record<Role, string>>;
export type BoundRole = keyof typeof ROLE_BINDINGS;
export type Binding = (typeof ROLE_BINDINGS)[BoundRole];
export const BINDINGS: readonly Binding[] = Object.values(ROLE_BINDINGS);

/** The roles that work in the field, on the phone screen (/m). */
export const FIELD_ROLES: readonly Role[] = ['grid', 'patrol'];
