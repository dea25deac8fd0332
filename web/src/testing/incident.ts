import type { IncidentSummary } from '../../../shared/domain/incidents.js';

export const T0 = Date.parse('2026-11-22T10:00:00Z');

/** Unit tests' incidents: a fresh low dispute reported at T0, with `over` on top. */
export function incident(id: string, over: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id,
    version: 1,
    title: id,
    description: '',
    category: 'dispute',
    severity: 'low',
    groupRisk: false,
    source: 'hotline',
    location: [113, 23],
    gridId: 'g',
    communityId: 'c',
    streetId: 's',
    districtId: 'd',
    cameraId: null,
    state: 'reported',
    assignments: [],
    gridWorkerId: null,
    deadline: {
      step: 'accept',
      dueAt: new Date(T0 + 15 * 60_000).toISOString(),
      extensions: 0,
      flagged: false,
    },
    reportedAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    closedAt: null,
    rating: null,
    reportCount: 1,
    wasOverdue: false,
    lastAction: null,
    ...over,
  };
}
