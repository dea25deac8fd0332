import type { RegionFeature } from '../../shared/index.js';
import type { PlannedReport } from './plan.js';

/**
 * Which sub-centre areas each planned report lies in, worked out here from the city's regions
 * alone (a point-in-polygon test of our own and the regions' parent links), not with the
 * server's code: the scoped run checks the server's fan-out against it, so the two must not share
 * a mistake.
 */
export interface PlannedAreas {
  /** Per report (plan index): its grid, community, street and district ids. */
  places: { grid: string; community: string; street: string; district: string }[];
  /** Per sub-centre region (community, street, district): the plan indexes inside it. */
  byRegion: Map<string, number[]>;
}

type Ring = [number, number][];

/** Even-odd ray casting over every ring of the polygon(s): holes fall out by themselves. */
function inside(rings: Ring[], [x, y]: [number, number]): boolean {
  let odd = false;
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
    }
  return odd;
}

export function plannedAreas(regions: RegionFeature[], plan: PlannedReport[]): PlannedAreas {
  const parent = new Map(regions.map((f) => [f.properties.id, f.properties.parentId]));
  // Grids with their bounding boxes, so most grids are ruled out by four comparisons.
  const grids = regions
    .filter((f) => f.properties.level === 'grid')
    .map((f) => {
      const polygons =
        f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
      const rings = polygons.flat() as Ring[];
      const xs = rings.flat().map((p) => p[0]);
      const ys = rings.flat().map((p) => p[1]);
      return {
        id: f.properties.id,
        rings,
        box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as const,
      };
    });
  const places: PlannedAreas['places'] = [];
  const byRegion = new Map<string, number[]>();
  for (const [n, report] of plan.entries()) {
    const point: [number, number] = [report.location.lng, report.location.lat];
    const [x, y] = point;
    const grid = grids.find(
      (g) =>
        x >= g.box[0] && y >= g.box[1] && x <= g.box[2] && y <= g.box[3] && inside(g.rings, point),
    );
    if (!grid) throw new Error(`planned report ${n} at ${x},${y} lies in no grid`);
    const community = parent.get(grid.id)!;
    const street = parent.get(community)!;
    const district = parent.get(street)!;
    places.push({ grid: grid.id, community, street, district });
    for (const region of [community, street, district]) {
      const list = byRegion.get(region);
      if (list) list.push(n);
      else byRegion.set(region, [n]);
    }
  }
  return { places, byRegion };
}

/**
 * `count` sub-centre screens spread over the city's communities and streets, in turn (a street,
 * then the communities under it...), so each street and as many communities as there are screens
 * get one, and a second round starts over.
 */
export function scopedRegions(regions: RegionFeature[], count: number): string[] {
  const streets = regions.filter((f) => f.properties.level === 'street').map((f) => f.properties);
  const order: string[] = [];
  const communities = regions
    .filter((f) => f.properties.level === 'community')
    .map((f) => f.properties);
  for (const street of streets) {
    order.push(street.id);
    for (const c of communities) if (c.parentId === street.id) order.push(c.id);
  }
  if (!order.length) throw new Error('the city has no streets or communities');
  return Array.from({ length: count }, (_, i) => order[i % order.length]!);
}
