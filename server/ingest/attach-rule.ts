import type { Category, IncidentState } from '../../shared/index.js';

/**
 * When a report joins an open incident instead of opening another (docs/API.md, "Deduplication"):
 * the same category, an incident still waiting for or under dispatch, opened within the window,
 * and within the radius of the report. Video alarms also need the same camera.
 */
export const ATTACH_WINDOW_MS = 2 * 60 * 60_000;

export const ATTACH_RADIUS_M: Readonly<Record<Category, number>> = {
  dispute: 100,
  'public-order': 150,
  'safety-hazard': 150,
  'city-management': 100,
  'citizen-request': 50,
  'video-alarm': 80,
  emergency: 300,
};

/** Incidents past these states are being worked; a new report about them still attaches. */
export const ATTACHABLE_STATES: readonly IncidentState[] = [
  'reported',
  'accepted',
  'dispatched',
  'handling',
];

/** The severity an incident of this category opens with when the report names none. */
export const DEFAULT_SEVERITY = {
  dispute: 'medium',
  'public-order': 'medium',
  'safety-hazard': 'medium',
  'city-management': 'low',
  'citizen-request': 'low',
  'video-alarm': 'medium',
  emergency: 'high',
} as const satisfies Record<Category, string>;
