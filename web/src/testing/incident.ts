import { summarize, type IncidentSummary } from '../../../shared/domain/incidents.js';
import { testIncident } from '../../../shared/testing/incident.js';

export { T0 } from '../../../shared/testing/incident.js';

/** Unit tests' incidents as screens hold them (shared/testing/incident.ts), `over` on top. */
export function incident(id: string, over: Partial<IncidentSummary> = {}): IncidentSummary {
  return { ...summarize(testIncident({ id, title: id })), ...over };
}
