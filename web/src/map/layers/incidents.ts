import type { LayerSpecification } from 'maplibre-gl';

export const INCIDENT_SOURCE = 'incidents';
/** Incidents new to the map since the clustered source last took a change (incident-sources.ts). */
export const FRESH_INCIDENT_SOURCE = 'incidents-fresh';
/** The layers that draw one incident each, from either source: what a click or a pulse looks at. */
export const INCIDENT_POINT_LAYERS = ['incident-points', 'incident-fresh-points'];
export const INCIDENT_PULSE_LAYERS = ['incident-pulse', 'incident-fresh-pulse'];
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
 * The fresh source's incidents are drawn the same, above, never clustered.
 */
export function incidentLayers(): LayerSpecification[] {
  return [
    ...clusterLayers(),
    ...pointLayers(INCIDENT_SOURCE, 'incident', ['!', ['has', 'point_count']]),
    ...pointLayers(FRESH_INCIDENT_SOURCE, 'incident-fresh', ['literal', true]),
  ];
}

function clusterLayers(): LayerSpecification[] {
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
  ];
}

function pointLayers(source: string, prefix: string, single: unknown): LayerSpecification[] {
  return [
    {
      id: `${prefix}-pulse`,
      type: 'circle',
      source,
      filter: ['all', single, ['any', ['get', 'isNew'], ['get', 'overdue']]] as never,
      paint: {
        'circle-color': 'transparent',
        'circle-radius': 10,
        'circle-stroke-color': ['case', ['get', 'overdue'], '#ff3b3b', '#ffffff'],
        'circle-stroke-width': 2,
        'circle-stroke-opacity': 0.8,
      },
    },
    {
      id: `${prefix}-points`,
      type: 'circle',
      source,
      filter: single as never,
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

export const OUTLINE_LAYERS = ['incident-outline-halo', 'incident-outline'] as const;

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
  return [ring(OUTLINE_LAYERS[0], '#0b1220', 8), ring(OUTLINE_LAYERS[1], '#ffd400', 4)];
}
