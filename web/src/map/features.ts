// The data side of the map: store contents as GeoJSON for the sources (incidents: incident-diff.ts).
import type { FeatureCollection, Point, Polygon } from 'geojson';
import type { Camera, CameraStatus } from '../../../shared/domain/cameras.js';
import type { Patrol } from '../../../shared/domain/organisation.js';
import type { RegionCollection } from '../../../shared/domain/regions.js';
import { viewCone } from '../../../shared/geo/camera-view.js';
import type { PatrolPosition } from '../../../shared/realtime/events.js';

export function cameraFeatures(
  cameras: Camera[],
  status: Map<string, CameraStatus>,
  highlighted: ReadonlySet<string>,
): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: cameras.map((c) => ({
      type: 'Feature',
      properties: {
        id: c.id,
        name: c.name,
        status: status.get(c.id) ?? c.status,
        highlight: highlighted.has(c.id),
      },
      geometry: { type: 'Point', coordinates: c.position },
    })),
  };
}

export function coneFeatures(
  cameras: Camera[],
  status: Map<string, CameraStatus>,
  highlighted: ReadonlySet<string>,
): FeatureCollection<Polygon> {
  return {
    type: 'FeatureCollection',
    features: cameras.map((c) => ({
      type: 'Feature',
      properties: {
        id: c.id,
        status: status.get(c.id) ?? c.status,
        highlight: highlighted.has(c.id),
      },
      geometry: { type: 'Polygon', coordinates: [viewCone(c)] },
    })),
  };
}

export function patrolFeatures(
  patrols: PatrolPosition[],
  units: Map<string, Patrol>,
): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: patrols.map((p) => ({
      type: 'Feature',
      properties: {
        id: p.id,
        name: units.get(p.id)?.name ?? p.id,
        status: p.status,
        heading: p.heading,
      },
      geometry: { type: 'Point', coordinates: p.position },
    })),
  };
}

export function regionCenterFeatures(regions: RegionCollection): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: regions.features.map((f) => ({
      type: 'Feature',
      properties: { id: f.properties.id, name: f.properties.name, level: f.properties.level },
      geometry: { type: 'Point', coordinates: f.properties.center },
    })),
  };
}
