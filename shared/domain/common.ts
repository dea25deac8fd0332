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

export const ROLES = ['duty', 'operator', 'leader', 'department', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
/**
 * duty: acts on incidents; operator: runs the wall; leader: read-only briefing;
 * department: a handling department's own system (takes its side of the loop);
 * admin: reads the audit trail (审计日志) and nothing of the loop: no screen, no action, so
 * whoever checks the others is not one of them. A person who needs both gets two accounts.
 */
export type Role = z.infer<typeof RoleSchema>;
/** The roles that see the live picture and the loop's data: every one but `admin`. */
export const LOOP_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'admin');
