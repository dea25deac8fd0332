import type { AuditAction, AuditPage } from '../../../shared/domain/audit.js';
import { apiFetch } from './http.js';

export type { AuditAction, AuditPage, AuditRecord } from '../../../shared/domain/audit.js';
export { AUDIT_ACTIONS } from '../../../shared/domain/audit.js';

export interface AuditFilters {
  user?: string;
  camera?: string;
  actions?: AuditAction[];
  /** ISO-8601 instants; `to` is exclusive. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/** One page of the audit trail, newest first; the server refuses anyone but an admin. */
export function fetchAudit(filters: AuditFilters): Promise<AuditPage> {
  const query = new URLSearchParams();
  if (filters.user) query.set('user', filters.user);
  if (filters.camera) query.set('camera', filters.camera);
  if (filters.actions?.length) query.set('action', filters.actions.join(','));
  if (filters.from) query.set('from', filters.from);
  if (filters.to) query.set('to', filters.to);
  query.set('limit', String(filters.limit));
  query.set('offset', String(filters.offset));
  return apiFetch<AuditPage>(`/api/v1/audit?${query}`);
}
