import type { Incident } from '../domain/incidents.js';

export const T0 = Date.parse('2026-11-22T10:00:00Z');

/**
 * Tests' incidents: a low hotline dispute reported at T0, waiting to be accepted within 15
 * minutes, with no timeline; `over` on top.
 */
export function testIncident(over: Partial<Incident> = {}): Incident {
  return {
    id: 'INC-1',
    version: 1,
    title: 't',
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
    timeline: [],
    ...over,
  };
}
