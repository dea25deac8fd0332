import type { FeatureCollection, Point } from 'geojson';
import type { LayerSpecification } from 'maplibre-gl';
import type { GeoJSONSource, MapLibreMap } from '../maplibre.js';

/**
 * The heat map (热力图): where the incidents of a chosen period happened, as density. Its points
 * come from the server for the period (`GET /api/v1/stats/points`), not from the live board,
 * which holds only today.
 */
export const HEAT_SOURCE = 'heat';
export const HEAT_LAYER = 'incident-heat';
/** The periods the legend offers, in days back from today. */
export const HEAT_DAYS = [7, 30, 90] as const;
export type HeatDays = (typeof HEAT_DAYS)[number];

export function heatLayers(): LayerSpecification[] {
  return [
    {
      id: HEAT_LAYER,
      type: 'heatmap',
      source: HEAT_SOURCE,
      layout: { visibility: 'none' },
      paint: {
        // Each incident counts the same; the radius grows with the zoom so a street reads as
        // a street and the city as its hot districts.
        'heatmap-weight': 1,
        'heatmap-intensity': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 16, 2],
        'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 10, 8, 13, 16, 16, 30],
        'heatmap-opacity': 0.8,
        'heatmap-color': [
          'interpolate',
          ['linear'],
          ['heatmap-density'],
          0,
          'rgba(0,0,0,0)',
          0.15,
          '#1f4fa0',
          0.35,
          '#2fa7c9',
          0.55,
          '#8fd14f',
          0.75,
          '#f2c230',
          1,
          '#e32626',
        ],
      },
    },
  ];
}

export function heatFeatures(points: readonly [number, number][]): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: points.map((coordinates) => ({
      type: 'Feature',
      properties: {},
      geometry: { type: 'Point', coordinates },
    })),
  };
}

/**
 * How much one incident weighs: less the more there are, so ninety days of a city still show
 * where it is hottest instead of one red sheet.
 */
export function heatWeight(count: number): number {
  return Math.min(1, Math.max(0.03, 1_500 / Math.max(1, count)));
}

export function setHeat(map: MapLibreMap | undefined, points: readonly [number, number][]): void {
  map?.getSource<GeoJSONSource>(HEAT_SOURCE)?.setData(heatFeatures(points));
  if (map?.getLayer(HEAT_LAYER))
    map.setPaintProperty(HEAT_LAYER, 'heatmap-weight', heatWeight(points.length));
}

export function showHeat(map: MapLibreMap | undefined, on: boolean): void {
  if (map?.getLayer(HEAT_LAYER))
    map.setLayoutProperty(HEAT_LAYER, 'visibility', on ? 'visible' : 'none');
}
