import polylabel from 'polylabel';
import { areaBBox, type AreaGeometry, type LngLat } from '../../shared/index.js';

/**
 * Where a region's label goes when the package gives none: the pole of inaccessibility of its
 * largest polygon, a point well inside even a crescent-shaped grid, where a centroid can fall
 * outside. Found to a hundredth of the region's size, plenty for a label and cheap for 20,000.
 */
export function labelPoint(area: AreaGeometry): LngLat {
  const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates;
  let best = polygons[0]!;
  let bestSize = -1;
  for (const polygon of polygons) {
    const [w, s, e, n] = areaBBox({ type: 'Polygon', coordinates: polygon });
    const size = (e - w) * (n - s);
    if (size > bestSize) [best, bestSize] = [polygon, size];
  }
  const [w, s, e, n] = areaBBox({ type: 'Polygon', coordinates: best });
  const [lng, lat] = polylabel(best, Math.max(e - w, n - s) / 100);
  return [Math.round(lng! * 1e6) / 1e6, Math.round(lat! * 1e6) / 1e6];
}
