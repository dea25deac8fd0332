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

/** Camera points coloured by health, with their view cones once zoomed in. */
export function cameraLayers(): LayerSpecification[] {
  return [
    {
      id: 'camera-cones',
      type: 'fill',
      source: CAMERA_CONE_SOURCE,
      minzoom: 15,
      paint: {
        'fill-color': statusColor,
        'fill-opacity': ['case', ['get', 'highlight'], 0.45, 0.12],
      },
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
  ];
}
