import type { FeatureCollection, Point } from 'geojson';
import type { LayerSpecification } from 'maplibre-gl';
import type { WorkerPosition } from '../../../../shared/realtime/events.js';
import type { GeoJSONSource, MapLibreMap } from '../maplibre.js';

export const WORKER_SOURCE = 'grid-workers';

/**
 * Grid workers on duty (在岗) as white dots in a teal ring: every fill colour on the map already
 * means something (cameras green, severities blue to red, patrols purple), and a white core reads
 * apart from all of them. Names from zoom 14.
 */
export function workerLayers(): LayerSpecification[] {
  return [
    {
      id: 'worker-points',
      type: 'circle',
      source: WORKER_SOURCE,
      paint: {
        'circle-color': '#ffffff',
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3, 16, 6],
        'circle-stroke-color': '#00b8d4',
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 10, 2, 16, 3],
      },
    },
    {
      id: 'worker-labels',
      type: 'symbol',
      source: WORKER_SOURCE,
      minzoom: 14,
      layout: {
        'text-field': ['get', 'name'],
        'text-size': 11,
        'text-offset': [0, 1.2],
        'text-font': ['Noto Sans Regular'],
        'text-optional': true,
      },
      paint: { 'text-color': '#8beeff', 'text-halo-color': '#0b1220', 'text-halo-width': 1.5 },
    },
  ];
}

export function workerFeatures(
  workers: readonly WorkerPosition[],
  names: ReadonlyMap<string, { name: string }>,
): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: workers.map((w) => ({
      type: 'Feature',
      properties: { id: w.id, name: names.get(w.id)?.name ?? '' },
      geometry: { type: 'Point', coordinates: w.position },
    })),
  };
}

/** Redraws the workers' source; a map without it yet (still loading) is left alone. */
export function updateWorkers(
  map: MapLibreMap | undefined,
  workers: readonly WorkerPosition[],
  names: ReadonlyMap<string, { name: string }>,
): void {
  map?.getSource<GeoJSONSource>(WORKER_SOURCE)?.setData(workerFeatures(workers, names));
}
