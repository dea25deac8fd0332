import type { KeyPlace } from '../../../shared/domain/city.js';
import type { LngLat } from '../../../shared/domain/common.js';
import type { Region, RegionLevel } from '../../../shared/domain/regions.js';

/** A place a registration can point at: a region of the city or one of its key places. */
export interface PlaceHit {
  id: string;
  name: string;
  kind: 'region' | 'key-place';
  /** The region's level; key places have none. */
  level?: RegionLevel;
  /** Where the point goes when it is picked: the region's centre, the key place's position. */
  point: LngLat;
  /** The names above it, street first, to tell two 一社区 apart. */
  context: string;
}

/** How a name matched: whole, at its start, anywhere. Lower is better. */
const EXACT = 0;
const PREFIX = 1;
const INSIDE = 2;

// A key place is what a caller names most precisely ("第一中学门口"); the smaller a region, the
// closer its centre is likely to be to where the caller means.
const KIND_ORDER: Record<string, number> = {
  'key-place': 0,
  grid: 1,
  community: 2,
  street: 3,
  district: 4,
  city: 5,
};

const normalise = (s: string) => s.toLowerCase().replace(/\s+/g, '');

function matchRank(name: string, token: string): number | undefined {
  const n = normalise(name);
  if (n === token) return EXACT;
  if (n.startsWith(token)) return PREFIX;
  return n.includes(token) ? INSIDE : undefined;
}

/**
 * The city's own place names matching what the officer typed, best first, on the client (no
 * geocoder: no request leaves for anything but our server). The last word must be in the place's
 * own name; earlier words narrow by the names above it ("湖滨 一社区"). Ranked by how the name
 * matched (whole, start, inside), then key places before grids before communities and so on,
 * then shorter names first.
 */
export function searchPlaces(
  query: string,
  regions: Iterable<Region>,
  keyPlaces: readonly KeyPlace[],
  lookup: ReadonlyMap<string, Region>,
  limit = 8,
): PlaceHit[] {
  const tokens = query.trim().split(/\s+/).map(normalise).filter(Boolean);
  const last = tokens.pop();
  if (!last) return [];
  const ancestry = (regionId: string | null | undefined): Region[] => {
    const chain: Region[] = [];
    let r = regionId ? lookup.get(regionId) : undefined;
    while (r && r.level !== 'city') {
      chain.unshift(r);
      r = r.parentId ? lookup.get(r.parentId) : undefined;
    }
    return chain;
  };
  const scored: { hit: PlaceHit; rank: number }[] = [];
  const consider = (hit: Omit<PlaceHit, 'context'>, parents: Region[]) => {
    const rank = matchRank(hit.name, last);
    if (rank === undefined) return;
    const above = normalise(parents.map((p) => p.name).join(''));
    if (!tokens.every((t) => above.includes(t))) return;
    // The district is implied on a city's own desk; the street and community tell places apart.
    const context = parents
      .filter((p) => p.level === 'street' || p.level === 'community')
      .map((p) => p.name)
      .join(' · ');
    scored.push({ hit: { ...hit, context }, rank });
  };
  for (const r of regions) {
    if (r.level === 'city') continue;
    consider(
      { id: r.id, name: r.name, kind: 'region', level: r.level, point: r.center },
      ancestry(r.parentId),
    );
  }
  for (const k of keyPlaces)
    consider({ id: k.id, name: k.name, kind: 'key-place', point: k.position }, ancestry(k.gridId));
  const kindOrder = (h: PlaceHit) => KIND_ORDER[h.level ?? h.kind] ?? 9;
  return scored
    .sort(
      (a, b) =>
        a.rank - b.rank ||
        kindOrder(a.hit) - kindOrder(b.hit) ||
        a.hit.name.length - b.hit.name.length ||
        a.hit.name.localeCompare(b.hit.name, 'zh-CN'),
    )
    .slice(0, limit)
    .map((s) => s.hit);
}
