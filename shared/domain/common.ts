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

export const ROLES = ['duty', 'operator', 'leader', 'department'] as const;
export const RoleSchema = z.enum(ROLES);
/**
 * duty: acts on incidents; operator: runs the wall; leader: read-only briefing;
 * department: a handling department's own system (takes its side of the loop).
 */
export type Role = z.infer<typeof RoleSchema>;
