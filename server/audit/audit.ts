import type { AuditAction, AuditEntry } from '../../shared/domain/audit.js';

// The vocabulary and the rows are shared with the web's audit page.
export {
  AUDIT_ACTIONS,
  AUDIT_PAGE_LIMIT,
  type AuditAction,
  type AuditEntry,
  type AuditPage,
  type AuditRecord,
} from '../../shared/domain/audit.js';

/** Where the parts of the server write the trail; recording never throws and never waits. */
export interface AuditTrail {
  record(entry: AuditEntry): void;
}

/** For pieces run without a store (unit tests, benchmarks): records nothing. */
export const NO_AUDIT: AuditTrail = { record() {} };

/** A read of the trail: every filter given must match; newest first. */
export interface AuditQuery {
  /** The actor, exactly (a username, `device:<wall>`, `integration:<name>`). */
  actor?: string;
  cameraId?: string;
  incidentId?: string;
  /** Any of these actions. */
  actions?: readonly AuditAction[];
  /** From this instant (ISO-8601, UTC), inclusive. */
  from?: string;
  /** Before this instant (ISO-8601, UTC). */
  to?: string;
  limit: number;
  offset: number;
}
