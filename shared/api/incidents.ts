import type { AttachmentLink } from '../domain/attachments.js';
import type { Incident, IncidentSummary } from '../domain/incidents.js';
import type { Report } from '../domain/reports.js';

/** GET /api/v1/incidents */
export interface IncidentListResponse {
  total: number;
  limit: number;
  offset: number;
  incidents: IncidentSummary[];
}

/**
 * GET /api/v1/incidents/:id: the incident with its timeline, the first page of its reports, and
 * short-lived links to every photo its timeline names. The caller's phone number is masked
 * unless the reader is a duty officer.
 */
export interface IncidentDetailResponse {
  incident: Incident;
  reports: Report[];
  reportsTotal: number;
  attachments: Record<string, AttachmentLink>;
}

/** GET /api/v1/incidents/:id/reports */
export interface IncidentReportsResponse {
  total: number;
  limit: number;
  offset: number;
  reports: Report[];
}

/** POST /api/v1/incidents/:id/actions */
export interface ActionResponse {
  incident: Incident;
}
