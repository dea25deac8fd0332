import type { LayerSpecification } from 'maplibre-gl';

/** The region tree's looks: which level shows at which zoom, and how its label reads. */
export const REGION_SOURCE = 'regions';

const LINE: Record<string, { color: string; width: number; minzoom: number }> = {
  grid: { color: '#2f6fb3', width: 0.6, minzoom: 13 },
  community: { color: '#4f8fd6', width: 1.1, minzoom: 11.5 },
  street: { color: '#7fb4ff', width: 1.8, minzoom: 0 },
  district: { color: '#b8d4ff', width: 2.8, minzoom: 0 },
};

/**
 * The level a click or a choropleth works at, by zoom: districts and streets zoomed out,
 * communities and grids zoomed in.
 */
export const FILL_BANDS = [
  { level: 'district', minzoom: 0, maxzoom: 11 },
  { level: 'street', minzoom: 11, maxzoom: 12.5 },
  { level: 'community', minzoom: 12.5, maxzoom: 14 },
  { level: 'grid', minzoom: 14, maxzoom: 24 },
] as const;

export const regionFillLayerId = (level: string) => `region-${level}-fill`;
/** The lowest of the region names: layers meant to lie under every name go before it. */
export const FIRST_REGION_LABEL = 'region-district-label';

export function regionLayers(): LayerSpecification[] {
  // Fills carry hover and the choropleth: a feature-state `share` 0-1 shades the region, and
  // `hover` lightens it. Transparent otherwise, but still clickable.
  const fills = FILL_BANDS.map((b): LayerSpecification => ({
    id: regionFillLayerId(b.level),
    type: 'fill',
    source: REGION_SOURCE,
    minzoom: b.minzoom,
    maxzoom: b.maxzoom,
    filter: ['==', ['get', 'level'], b.level],
    paint: {
      'fill-color': [
        'interpolate',
        ['linear'],
        ['coalesce', ['feature-state', 'share'], 0],
        0,
        '#1d3b6e',
        0.5,
        '#f5c542',
        1,
        '#ff3b3b',
      ],
      'fill-opacity': [
        'case',
        ['boolean', ['feature-state', 'hover'], false],
        0.45,
        ['!=', ['feature-state', 'share'], null],
        0.5,
        0,
      ],
    },
  }));
  const lines = Object.entries(LINE).map(([level, s]): LayerSpecification => ({
    id: `region-${level}-line`,
    type: 'line',
    source: REGION_SOURCE,
    minzoom: s.minzoom,
    filter: ['==', ['get', 'level'], level],
    paint: { 'line-color': s.color, 'line-width': s.width, 'line-opacity': 0.85 },
  }));
  const labels: LayerSpecification[] = [
    label('district', 0, 11, 18),
    label('street', 10.5, 13, 15),
    label('community', 12.5, 14.5, 13),
    label('grid', 14.5, 24, 12),
  ];
  return [...fills, ...lines, ...labels];
}

function label(level: string, minzoom: number, maxzoom: number, size: number): LayerSpecification {
  return {
    id: `region-${level}-label`,
    type: 'symbol',
    source: `${REGION_SOURCE}-centers`,
    minzoom,
    maxzoom,
    filter: ['==', ['get', 'level'], level],
    layout: {
      'text-field': ['get', 'name'],
      'text-size': size,
      'text-font': ['Noto Sans Regular'],
    },
    paint: { 'text-color': '#d7e3ff', 'text-halo-color': '#0b1220', 'text-halo-width': 1.5 },
  };
}
