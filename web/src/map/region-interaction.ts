import type { MapLibreMap } from './maplibre.js';
import { FILL_BANDS, REGION_SOURCE, regionFillLayerId } from './layers/regions.js';
import { INCIDENT_POINT_LAYERS } from './layers/incidents.js';
import { RISK_CLICK_LAYERS } from './layers/risk.js';

/**
 * Hover highlight and click-to-drill on the region level shown at the current zoom. A click on
 * an incident, a camera or the risk map (a warned grid, a warning's place) is left to its own
 * layer.
 */
export function attachRegionInteraction(
  map: MapLibreMap,
  onDrill: (regionId: string) => void,
): void {
  let hovered: string | undefined;
  const setHover = (id: string | undefined) => {
    if (hovered === id) return;
    if (hovered) map.setFeatureState({ source: REGION_SOURCE, id: hovered }, { hover: false });
    hovered = id;
    if (id) map.setFeatureState({ source: REGION_SOURCE, id }, { hover: true });
  };
  for (const { level } of FILL_BANDS) {
    const layer = regionFillLayerId(level);
    map.on('mousemove', layer, (e) =>
      setHover(e.features?.[0]?.properties?.id as string | undefined),
    );
    map.on('mouseleave', layer, () => setHover(undefined));
    map.on('click', layer, (e) => {
      if (
        map.queryRenderedFeatures(e.point, {
          layers: [
            ...INCIDENT_POINT_LAYERS,
            'incident-clusters',
            'camera-points',
            ...RISK_CLICK_LAYERS,
          ],
        }).length
      )
        return;
      const id = e.features?.[0]?.properties?.id;
      if (typeof id === 'string') onDrill(id);
    });
  }
}

/** Shades regions by their share (0-1); undefined clears the choropleth. */
export function applyShares(map: MapLibreMap, shares: Map<string, number> | undefined): void {
  map.removeFeatureState({ source: REGION_SOURCE });
  if (!shares) return;
  for (const [id, share] of shares) map.setFeatureState({ source: REGION_SOURCE, id }, { share });
}
