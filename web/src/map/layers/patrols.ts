import type { LayerSpecification } from 'maplibre-gl';

export const PATROL_SOURCE = 'patrols';

/** Patrols as bright arrows-in-circles, with their unit name when zoomed in. */
export function patrolLayers(): LayerSpecification[] {
  return [
    {
      id: 'patrol-points',
      type: 'circle',
      source: PATROL_SOURCE,
      paint: {
        'circle-color': ['match', ['get', 'status'], 'responding', '#ff8a3d', '#b388ff'],
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 5, 16, 9],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'patrol-labels',
      type: 'symbol',
      source: PATROL_SOURCE,
      minzoom: 13,
      layout: {
        'text-field': ['get', 'name'],
        'text-size': 12,
        'text-offset': [0, 1.4],
        'text-font': ['Noto Sans Regular'],
      },
      paint: { 'text-color': '#e0d4ff', 'text-halo-color': '#0b1220', 'text-halo-width': 1.5 },
    },
  ];
}
