import type { FeatureCollection, Point, Polygon } from 'geojson';
import {
  isOpenState,
  isOverdue,
  viewCone,
  type Camera,
  type CameraStatus,
  type IncidentSummary,
  type Patrol,
  type PatrolPosition,
  type RegionCollection,
} from '../../../shared/index.js';

/** How long an incident counts as new and pulses. */
const NEW_FOR_MS = 5 * 60_000;

/** The data side of the map: store contents as GeoJSON for the sources. */
export function incidentFeatures(
  incidents: Iterable<IncidentSummary>,
  now: Date,
): FeatureCollection<Point> {
  const features = [];
  for (const i of incidents) {
    features.push({
      type: 'Feature' as const,
      id: i.id,
      properties: {
        id: i.id,
        severity: i.severity,
        state: i.state,
        category: i.category,
        open: isOpenState(i.state),
        overdue: isOpenState(i.state) && isOverdue(i, now),
        isNew: now.getTime() - Date.parse(i.reportedAt) < NEW_FOR_MS,
      },
      geometry: { type: 'Point' as const, coordinates: i.location },
    });
  }
  return { type: 'FeatureCollection', features };
}

export function cameraFeatures(
  cameras: Camera[],
  status: Map<string, CameraStatus>,
): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: cameras.map((c) => ({
      type: 'Feature',
      properties: { id: c.id, name: c.name, status: status.get(c.id) ?? c.status },
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
