import type { LayerSpecification } from 'maplibre-gl';

export const CAMERA_SOURCE = 'cameras';
export const CAMERA_CONE_SOURCE = 'camera-cones';

export const CAMERA_STATUS_COLOR = {
  online: '#46d39a',
  stale: '#f5c542',
  offline: '#ff6b6b',
} as const;

const statusColor = [
  'match',
  ['get', 'status'],
  'offline',
  CAMERA_STATUS_COLOR.offline,
  'stale',
  CAMERA_STATUS_COLOR.stale,
  CAMERA_STATUS_COLOR.online,
] as never;

/** Where a highlighted camera shows: bright enough to find at city zoom. */
const HIGHLIGHT = '#ffd400';

/**
 * Camera points coloured by health, with their view cones once zoomed in. Highlighted cameras
 * (the ones covering an incident, say) show their cone and a ring at every zoom: drawn at true
 * size a cone is a few pixels at city zoom, so its outline and the ring carry it.
 */
export function cameraLayers(): LayerSpecification[] {
  const highlighted = ['==', ['get', 'highlight'], true] as never;
  return [
    {
      id: 'camera-cones',
      type: 'fill',
      source: CAMERA_CONE_SOURCE,
      minzoom: 15,
      filter: ['!=', ['get', 'highlight'], true],
      paint: { 'fill-color': statusColor, 'fill-opacity': 0.12 },
    },
    {
      id: 'camera-cones-highlight',
      type: 'fill',
      source: CAMERA_CONE_SOURCE,
      filter: highlighted,
      paint: { 'fill-color': statusColor, 'fill-opacity': 0.5 },
    },
    {
      id: 'camera-cones-highlight-outline',
      type: 'line',
      source: CAMERA_CONE_SOURCE,
      filter: highlighted,
      paint: { 'line-color': HIGHLIGHT, 'line-width': 2 },
    },
    {
      id: 'camera-points',
      type: 'circle',
      source: CAMERA_SOURCE,
      minzoom: 12,
      paint: {
        'circle-color': statusColor,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 2, 16, 5],
        'circle-stroke-color': '#0b1220',
        'circle-stroke-width': 1,
      },
    },
    {
      id: 'camera-highlight',
      type: 'circle',
      source: CAMERA_SOURCE,
      filter: highlighted,
      paint: {
        'circle-color': statusColor,
        'circle-radius': 5,
        'circle-stroke-color': HIGHLIGHT,
        'circle-stroke-width': 3,
      },
    },
  ];
}
