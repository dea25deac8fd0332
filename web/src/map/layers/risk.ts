import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { LayerSpecification } from 'maplibre-gl';
import type { AreaGeometry } from '../../../../shared/domain/regions.js';
import {
  byUrgency,
  isActiveWarning,
  WARNING_LEVELS,
  type Warning,
  type WarningLevel,
} from '../../../../shared/domain/warnings.js';
import type { GeoJSONSource, MapLibreMap } from '../maplibre.js';

/**
 * The risk layer (风险图): the grids with an active warning, filled in the colour of their most
 * urgent one, and a ring at each warning that has a place. Both come from the live store's
 * warnings, which are few: the whole source is set again when they change.
 */
export const RISK_SOURCE = 'risk';

/** The levels' colours, as the warning chips and rows have them (styles.css `.warn-*`). */
export const RISK_COLOR: Record<WarningLevel, string> = {
  blue: '#2f7fe0',
  yellow: '#f2c230',
  orange: '#ff7a1a',
  red: '#e32626',
};

/** The grids' fill and outline: the risk thematic map only. */
export const RISK_AREA_LAYERS = ['risk-grid-fill', 'risk-grid-line'] as const;
/** The rings at the warnings' places: with the risk map, and always on the wall. */
export const RISK_MARKER_LAYERS = ['risk-marker-halo', 'risk-markers'] as const;
/** The red ones' static ring, which pulse.ts animates. */
export const RISK_PULSE_LAYER = 'risk-marker-pulse';
/** What a click on the risk layer looks at, topmost first. */
export const RISK_CLICK_LAYERS = ['risk-markers', 'risk-grid-fill'];

/** The grid's most urgent active warning: its level colours the grid, a click opens it. */
export interface GridRisk {
  level: WarningLevel;
  warningId: string;
}

/**
 * Each grid that has an active warning, at the most urgent of them: the highest level wins, and
 * of one level the newest (the order of the warnings panel). Resolved warnings count for nothing.
 */
export function gridRisks(warnings: readonly Warning[]): Map<string, GridRisk> {
  const worst = new Map<string, Warning>();
  for (const w of warnings) {
    const gridId = w.area?.gridId;
    if (!gridId || !isActiveWarning(w)) continue;
    const held = worst.get(gridId);
    if (!held || byUrgency(w, held) < 0) worst.set(gridId, w);
  }
  return new Map([...worst].map(([gridId, w]) => [gridId, { level: w.level, warningId: w.id }]));
}

/** What a risk feature carries: `rank` 0-3 (blue to red) orders overlapping rings. */
export interface RiskProperties {
  id: string;
  kind: 'grid' | 'point';
  level: WarningLevel;
  rank: number;
  warningId: string;
}

/**
 * The risk source's features: one polygon per warned grid whose outline is known, and one point
 * per active warning that has a place.
 */
export function riskFeatures(
  warnings: readonly Warning[],
  gridGeometry: (gridId: string) => AreaGeometry | undefined,
): FeatureCollection<Geometry, RiskProperties> {
  const features: Feature<Geometry, RiskProperties>[] = [];
  for (const [gridId, { level, warningId }] of gridRisks(warnings)) {
    const geometry = gridGeometry(gridId);
    if (!geometry) continue;
    features.push({
      type: 'Feature',
      properties: { id: gridId, kind: 'grid', level, rank: rank(level), warningId },
      geometry,
    });
  }
  for (const w of warnings) {
    if (!w.location || !isActiveWarning(w)) continue;
    features.push({
      type: 'Feature',
      properties: { id: w.id, kind: 'point', level: w.level, rank: rank(w.level), warningId: w.id },
      geometry: { type: 'Point', coordinates: w.location },
    });
  }
  return { type: 'FeatureCollection', features };
}

const rank = (level: WarningLevel) => WARNING_LEVELS.indexOf(level);

const levelColor: unknown = [
  'match',
  ['get', 'level'],
  'red',
  RISK_COLOR.red,
  'orange',
  RISK_COLOR.orange,
  'yellow',
  RISK_COLOR.yellow,
  RISK_COLOR.blue,
];
const isArea: unknown = ['!=', ['geometry-type'], 'Point'];
const isPoint: unknown = ['==', ['geometry-type'], 'Point'];
const ringRadius: unknown = ['interpolate', ['linear'], ['zoom'], 10, 8, 16, 12];

/**
 * The grids under the region labels: a translucent fill that leaves the basemap readable and an
 * outline strong enough to find them on the dark basemap zoomed out, where a grid is a few pixels.
 * Hidden until the risk map is chosen.
 */
export function riskAreaLayers(): LayerSpecification[] {
  return [
    {
      id: RISK_AREA_LAYERS[0],
      type: 'fill',
      source: RISK_SOURCE,
      filter: isArea as never,
      layout: { visibility: 'none', 'fill-sort-key': ['get', 'rank'] },
      paint: { 'fill-color': levelColor as never, 'fill-opacity': 0.42 },
    },
    {
      id: RISK_AREA_LAYERS[1],
      type: 'line',
      source: RISK_SOURCE,
      filter: isArea as never,
      layout: { visibility: 'none', 'line-sort-key': ['get', 'rank'], 'line-join': 'round' },
      paint: {
        'line-color': levelColor as never,
        'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.5, 15, 3],
        'line-opacity': 0.95,
      },
    },
  ];
}

/**
 * The warnings' places above the incidents: a ring in the level's colour, dark-haloed to read on
 * any basemap and hollow enough to show the incident inside it; the red ones ringed once more,
 * for pulse.ts to animate. Hidden until the risk map is chosen (or the wall asks for them).
 */
export function riskMarkerLayers(): LayerSpecification[] {
  const hidden = { visibility: 'none' as const, 'circle-sort-key': ['get', 'rank'] as never };
  return [
    {
      id: RISK_PULSE_LAYER,
      type: 'circle',
      source: RISK_SOURCE,
      filter: ['all', isPoint, ['==', ['get', 'level'], 'red']] as never,
      layout: hidden,
      paint: {
        'circle-color': 'transparent',
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 12, 16, 17],
        'circle-stroke-color': RISK_COLOR.red,
        'circle-stroke-width': 1.5,
        'circle-stroke-opacity': 0.6,
      },
    },
    {
      id: RISK_MARKER_LAYERS[0],
      type: 'circle',
      source: RISK_SOURCE,
      filter: isPoint as never,
      layout: hidden,
      paint: {
        'circle-color': 'transparent',
        'circle-radius': ringRadius as never,
        'circle-stroke-color': '#0b1220',
        'circle-stroke-width': 6,
        'circle-stroke-opacity': 0.75,
      },
    },
    {
      id: RISK_MARKER_LAYERS[1],
      type: 'circle',
      source: RISK_SOURCE,
      filter: isPoint as never,
      layout: hidden,
      paint: {
        'circle-color': levelColor as never,
        'circle-opacity': 0.3,
        'circle-radius': ringRadius as never,
        'circle-stroke-color': levelColor as never,
        'circle-stroke-width': 3,
      },
    },
  ];
}

/** Redraws the risk source; a map without it yet (still loading) is left alone. */
export function updateRisk(
  map: MapLibreMap | undefined,
  warnings: readonly Warning[],
  gridGeometry: (gridId: string) => AreaGeometry | undefined,
): void {
  map?.getSource<GeoJSONSource>(RISK_SOURCE)?.setData(riskFeatures(warnings, gridGeometry));
}

/** Shows the grids (the risk map) and the rings (the risk map, or always on the wall). */
export function showRisk(
  map: MapLibreMap | undefined,
  show: { areas: boolean; markers: boolean },
): void {
  if (!map?.getLayer(RISK_AREA_LAYERS[0])) return;
  const set = (ids: readonly string[], on: boolean) => {
    for (const id of ids) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  };
  set(RISK_AREA_LAYERS, show.areas);
  set([RISK_PULSE_LAYER, ...RISK_MARKER_LAYERS], show.markers);
}

/** How many warnings of each level the risk layer draws (a grid, a place or both), for its legend. */
export function riskCounts(warnings: readonly Warning[]): Record<WarningLevel, number> {
  const counts: Record<WarningLevel, number> = { blue: 0, yellow: 0, orange: 0, red: 0 };
  for (const w of warnings)
    if (isActiveWarning(w) && (w.location || w.area?.gridId)) counts[w.level] += 1;
  return counts;
}
