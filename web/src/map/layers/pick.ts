import type { FeatureCollection, Point } from 'geojson';
import type { LayerSpecification } from 'maplibre-gl';
import type { LngLat } from '../../../../shared/domain/common.js';

export const PICK_SOURCE = 'picked-point';

/** The point a registration is placing: a bold pin-like ring above everything else. */
export function pickLayers(): LayerSpecification[] {
  return [
    {
      id: 'picked-halo',
      type: 'circle',
      source: PICK_SOURCE,
      paint: {
        'circle-color': 'rgba(255, 59, 120, 0.25)',
        'circle-radius': 18,
        'circle-stroke-color': '#ff3b78',
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'picked-point',
      type: 'circle',
      source: PICK_SOURCE,
      paint: {
        'circle-color': '#ff3b78',
        'circle-radius': 6,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    },
  ];
}

export function pickFeatures(point: LngLat | undefined): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: point
      ? [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: point } }]
      : [],
  };
}
