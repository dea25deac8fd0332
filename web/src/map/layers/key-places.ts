import type { FeatureCollection, Geometry } from 'geojson';
import type { LayerSpecification } from 'maplibre-gl';
import type { KeyPlace } from '../../../../shared/domain/city.js';

export const KEY_PLACE_SOURCE = 'key-places';

/** 重点场所 under everything live: small squares by kind, outlines where the package has them. */
export function keyPlaceLayers(): LayerSpecification[] {
  const colour = [
    'match',
    ['get', 'kind'],
    'school',
    '#7fd1ff',
    'hospital',
    '#ff7f9f',
    'station',
    '#ffd36b',
    'market',
    '#9be37f',
    'hazard',
    '#ff5a3c',
    '#b8c4d9',
  ] as unknown as string;
  return [
    {
      id: 'key-place-areas',
      type: 'line',
      source: KEY_PLACE_SOURCE,
      filter: ['!=', ['geometry-type'], 'Point'],
      minzoom: 13,
      paint: { 'line-color': colour, 'line-width': 1.5, 'line-dasharray': [2, 1] },
    },
    {
      id: 'key-place-points',
      type: 'symbol',
      source: KEY_PLACE_SOURCE,
      filter: ['==', ['geometry-type'], 'Point'],
      minzoom: 12,
      layout: {
        'text-field': ['get', 'name'],
        'text-size': 11,
        'text-font': ['Noto Sans Regular'],
        'text-optional': true,
        'text-offset': [0, 1],
        'text-anchor': 'top',
      },
      paint: { 'text-color': colour, 'text-halo-color': '#0b1220', 'text-halo-width': 1.2 },
    },
    {
      id: 'key-place-marks',
      type: 'circle',
      source: KEY_PLACE_SOURCE,
      filter: ['==', ['geometry-type'], 'Point'],
      minzoom: 12,
      paint: {
        'circle-color': colour,
        'circle-radius': ['match', ['get', 'level'], 1, 4, 3],
        'circle-opacity': 0.85,
        'circle-stroke-color': '#0b1220',
        'circle-stroke-width': 1,
      },
    },
  ];
}

/** Each place as its point (for the mark and label) and, when it has one, its outline. */
export function keyPlaceFeatures(places: readonly KeyPlace[]): FeatureCollection<Geometry> {
  return {
    type: 'FeatureCollection',
    features: places.flatMap((p) => {
      const properties = { id: p.id, name: p.name, kind: p.kind, level: p.level };
      const point = {
        type: 'Feature' as const,
        properties,
        geometry: { type: 'Point' as const, coordinates: p.position },
      };
      return p.area ? [point, { type: 'Feature' as const, properties, geometry: p.area }] : [point];
    }),
  };
}
