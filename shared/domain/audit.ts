import type { Actor } from './incidents.js';

/**
 * What the audit trail (审计日志) records: who did what, to which camera or incident, from where.
 * Append-only; read back by `GET /api/v1/audit` for the `admin` role. Here, not on the server
 * alone, because the audit page names each action and reads the same rows.
 */
export const AUDIT_ACTIONS = [
  'login',
  'login.failed',
  'login.throttled',
  'logout',
  'session.ended',
  'incident.act',
  'stream.issued',
  'stream.playback',
  'clip.exported',
  'wall.push',
  'accounts.changed',
  'audit.read',
  'attachment.uploaded',
  'webhook.changed',
  'warning.acknowledged',
  'warning.resolved',
  'tour-plan.changed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  action: AuditAction;
  /** Who: a username, `device:<wall>`, or `integration:<name>`; absent when nobody is known. */
  actor?: string;
  /** A user's or wall's role, or `integration` / `system` for who else acts. */
  actorRole?: Actor['role'];
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

/** An entry as the trail keeps it: numbered in the order written, stamped when it happened. */
export interface AuditRecord extends AuditEntry {
  id: number;
  /** ISO-8601, UTC. */
  at: string;
  outcome: 'ok' | 'refused';
}

/** The most rows one read returns: a page, not an export. */
export const AUDIT_PAGE_LIMIT = 500;

/** `GET /api/v1/audit`'s answer. */
export interface AuditPage {
  /** How many entries match the filters in all. */
  total: number;
  limit: number;
  offset: number;
  /** The centre's offset from UTC: the page shows the centre's time whatever the browser's. */
  utcOffsetMinutes: number;
  entries: AuditRecord[];
}
