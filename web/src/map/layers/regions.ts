import type { LayerSpecification } from 'maplibre-gl';

/** The region tree's looks: which level shows at which zoom, and how its label reads. */
export const REGION_SOURCE = 'regions';

const LINE: Record<string, { color: string; width: number; minzoom: number }> = {
  grid: { color: '#2f6fb3', width: 0.6, minzoom: 13 },
  community: { color: '#4f8fd6', width: 1.1, minzoom: 11.5 },
  street: { color: '#7fb4ff', width: 1.8, minzoom: 0 },
  district: { color: '#b8d4ff', width: 2.8, minzoom: 0 },
};

export function regionLayers(): LayerSpecification[] {
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
  return [...lines, ...labels];
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
