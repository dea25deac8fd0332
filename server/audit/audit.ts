import type { Role } from '../../shared/index.js';

/**
 * What the audit trail (审计日志) records: who did what, to which camera or incident, from where.
 * Append-only; read back by `GET /api/v1/audit` for the `admin` role.
 */
export const AUDIT_ACTIONS = [
  'login',
  'login.failed',
  'login.throttled',
  'logout',
  'session.ended',
  'incident.act',
  'stream.issued',
  'wall.push',
  'accounts.changed',
  'audit.read',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  action: AuditAction;
  /** Who: a username, `device:<wall>`, or `integration:<name>`; absent when nobody is known. */
  actor?: string;
  actorRole?: Role;
  /** The client's address, as the server saw it. */
  address?: string;
  /** What was acted on, in words a reader of the trail understands (a username, a wall). */
  target?: string;
  cameraId?: string;
  incidentId?: string;
  outcome?: 'ok' | 'refused';
  /** Anything else worth keeping: the screen a stream was asked from, the action's kind. */
  detail?: Record<string, unknown>;
}

/** Where the parts of the server write the trail; recording never throws and never waits. */
export interface AuditTrail {
  record(entry: AuditEntry): void;
}

/** For pieces run without a store (unit tests, benchmarks): records nothing. */
export const NO_AUDIT: AuditTrail = { record() {} };
