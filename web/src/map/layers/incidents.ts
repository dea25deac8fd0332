import type { LayerSpecification } from 'maplibre-gl';

export const INCIDENT_SOURCE = 'incidents';
/** One incident singled out by the screen around the map (`outlineIncident`), never clustered. */
export const OUTLINE_SOURCE = 'incident-outline';

export const SEVERITY_COLOR = {
  low: '#3aa0ff',
  medium: '#f5c542',
  high: '#ff8a3d',
  critical: '#ff3b3b',
} as const;

const severityColor: unknown = [
  'match',
  ['get', 'severity'],
  'critical',
  SEVERITY_COLOR.critical,
  'high',
  SEVERITY_COLOR.high,
  'medium',
  SEVERITY_COLOR.medium,
  SEVERITY_COLOR.low,
];

/**
 * Incidents drawn on the GPU: clusters when zoomed out, then one circle each, coloured by
 * severity, outlined by state, with a ring for new and overdue ones (which pulse.ts animates).
 */
export function incidentLayers(): LayerSpecification[] {
  return [
    {
      id: 'incident-clusters',
      type: 'circle',
      source: INCIDENT_SOURCE,
      filter: ['has', 'point_count'],
      paint: {
        'circle-color': [
          'step',
          ['get', 'worst'],
          SEVERITY_COLOR.low,
          1,
          SEVERITY_COLOR.medium,
          2,
          SEVERITY_COLOR.high,
          3,
          SEVERITY_COLOR.critical,
        ],
        'circle-opacity': 0.85,
        'circle-radius': ['step', ['get', 'point_count'], 14, 10, 18, 50, 24, 200, 30],
        'circle-stroke-color': ['case', ['>', ['get', 'overdue'], 0], '#ff3b3b', '#0b1220'],
        'circle-stroke-width': ['case', ['>', ['get', 'overdue'], 0], 3, 1.5],
      },
    },
    {
      id: 'incident-cluster-count',
      type: 'symbol',
      source: INCIDENT_SOURCE,
      filter: ['has', 'point_count'],
      layout: {
        'text-field': ['get', 'point_count_abbreviated'],
        'text-size': 13,
        'text-font': ['Noto Sans Regular'],
      },
      paint: { 'text-color': '#0b1220' },
    },
    {
      id: 'incident-pulse',
      type: 'circle',
      source: INCIDENT_SOURCE,
      filter: ['all', ['!', ['has', 'point_count']], ['any', ['get', 'isNew'], ['get', 'overdue']]],
      paint: {
        'circle-color': 'transparent',
        'circle-radius': 10,
        'circle-stroke-color': ['case', ['get', 'overdue'], '#ff3b3b', '#ffffff'],
        'circle-stroke-width': 2,
        'circle-stroke-opacity': 0.8,
      },
    },
    {
      id: 'incident-points',
      type: 'circle',
      source: INCIDENT_SOURCE,
      filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-color': severityColor as never,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 4, 15, 8],
        'circle-opacity': ['case', ['get', 'open'], 1, 0.35],
        // Waiting for the centre (reported) shows a white ring; being worked, a dark one.
        'circle-stroke-color': [
          'match',
          ['get', 'state'],
          'reported',
          '#ffffff',
          'verifying',
          '#46d39a',
          '#0b1220',
        ],
        'circle-stroke-width': ['match', ['get', 'state'], 'reported', 2, 1],
      },
    },
  ];
}

/** Cluster properties: how many inside are overdue and the worst severity, for the cluster's looks. */
export const INCIDENT_CLUSTER_PROPERTIES = {
  overdue: ['+', ['case', ['get', 'overdue'], 1, 0]],
  worst: ['max', ['match', ['get', 'severity'], 'critical', 3, 'high', 2, 'medium', 1, 0]],
} as const;

/** A ring around the outlined incident, dark-haloed to read on any basemap; drawn above all. */
export function outlineLayers(): LayerSpecification[] {
  const ring = (id: string, color: string, width: number): LayerSpecification => ({
    id,
    type: 'circle',
    source: OUTLINE_SOURCE,
    paint: {
      'circle-color': 'transparent',
      'circle-radius': 20,
      'circle-stroke-color': color,
      'circle-stroke-width': width,
    },
  });
  return [ring('incident-outline-halo', '#0b1220', 8), ring('incident-outline', '#ffd400', 4)];
}
