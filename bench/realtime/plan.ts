import {
  AreaIndex,
  type Category,
  type LngLat,
  type RegionFeature,
  type ReportInput,
} from '../../shared/index.js';
import { marker } from './scan-parser.js';
import { seededRandom } from '../../shared/random.js';

/**
 * The benchmark's reports. Each one must open its own incident, so every POST yields exactly one
 * `created` delta carrying that report's send time: per category, points on a lattice spaced
 * wider than the category's attach radius (docs/API.md, "Deduplication"), kept to points inside
 * a grid, shuffled, and used once each. Video alarms are left out (they need a camera).
 */
const SPACING_M: Partial<Record<Category, number>> = {
  dispute: 100 + 30,
  'public-order': 150 + 30,
  'safety-hazard': 150 + 30,
  'city-management': 100 + 30,
  'citizen-request': 50 + 30,
  emergency: 300 + 30,
};

const SOURCE: Partial<Record<Category, ReportInput['source']>> = {
  dispute: 'grid-worker',
  'public-order': 'patrol',
  'safety-hazard': 'grid-worker',
  'city-management': 'grid-worker',
  'citizen-request': 'hotline',
  emergency: 'hotline',
};

const TITLES: Partial<Record<Category, string[]>> = {
  dispute: ['邻里噪音纠纷', '物业费用纠纷', '停车位争执'],
  'public-order': ['夜间聚集喧哗', '街头争吵', '可疑人员徘徊'],
  'safety-hazard': ['楼道堆放杂物', '电动车违规充电', '井盖缺失'],
  'city-management': ['占道经营', '垃圾满溢', '违规张贴广告'],
  'citizen-request': ['路灯不亮', '咨询办事流程', '小区供水异常'],
  emergency: ['燃气泄漏报警', '突发火情', '人员受伤求助'],
};

/**
 * ASCII stand-ins, the default: a client's cost is mostly turning each frame into a string, and
 * UTF-8 with CJK text decodes ~3x slower than ASCII; on a small machine that client cost, not the
 * server's, would set the latency. The server's side barely changes (`--cjk` to check).
 */
const ASCII_TITLES: Partial<Record<Category, string[]>> = {
  dispute: ['Neighbour noise dispute', 'Property fee dispute', 'Parking space quarrel'],
  'public-order': ['Late-night gathering', 'Street quarrel', 'Suspicious loitering'],
  'safety-hazard': [
    'Stairwell blocked by clutter',
    'E-bike charging indoors',
    'Missing manhole cover',
  ],
  'city-management': ['Street vending on the road', 'Overflowing bins', 'Illegal posters'],
  'citizen-request': ['Street light out', 'Question about a procedure', 'Water supply problem'],
  emergency: ['Gas leak alarm', 'Fire reported', 'Injured person needs help'],
};

const METRES_PER_DEG_LAT = 111_195;

export interface PlannedReport {
  category: Category;
  location: { lng: number; lat: number };
  /** The title, before the send-time marker. */
  title: string;
  description: string;
  source: ReportInput['source'];
}

/** `count` reports at distinct places, categories interleaved; throws if the city is too small. */
export function planReports(
  grids: RegionFeature[],
  count: number,
  { seed = 1, cjk = false }: { seed?: number; cjk?: boolean } = {},
): PlannedReport[] {
  const index = new AreaIndex(grids, (f) => f.geometry);
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of grids) {
    const rings = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const polygon of rings)
      for (const [lng, lat] of polygon[0]!) {
        west = Math.min(west, lng);
        east = Math.max(east, lng);
        south = Math.min(south, lat);
        north = Math.max(north, lat);
      }
  }
  const cosLat = Math.cos((((south + north) / 2) * Math.PI) / 180);
  const random = seededRandom(seed);
  const pools = Object.entries(SPACING_M).map(([category, spacing], k) => {
    const dLat = spacing / METRES_PER_DEG_LAT;
    const dLng = spacing / (METRES_PER_DEG_LAT * cosLat);
    const points: LngLat[] = [];
    // Each category's lattice starts at its own offset, so categories do not share points.
    for (let lat = south + (dLat * k) / 7; lat <= north; lat += dLat)
      for (let lng = west + (dLng * k) / 7; lng <= east; lng += dLng)
        if (index.find([lng, lat])) points.push([lng, lat]);
    shuffle(points, random);
    return { category: category as Category, points };
  });
  const capacity = pools.reduce((n, p) => n + p.points.length, 0);
  if (capacity < count) {
    throw new Error(
      `the city has room for ${capacity} distinct incidents, the run needs ${count}: lower --rate or --seconds`,
    );
  }
  const out: PlannedReport[] = [];
  for (let round = 0; out.length < count; round++) {
    for (const pool of pools) {
      const point = pool.points[round];
      if (!point || out.length >= count) continue;
      const titles = (cjk ? TITLES : ASCII_TITLES)[pool.category]!;
      out.push({
        category: pool.category,
        location: { lng: round6(point[0]), lat: round6(point[1]) },
        title: titles[out.length % titles.length]!,
        description: cjk ? '压力测试上报' : 'load test report',
        source: SOURCE[pool.category]!,
      });
    }
  }
  return out;
}

/** The body for report n, stamped with the moment it is sent. */
export function reportBody(
  runId: string,
  n: number,
  plan: PlannedReport,
  measured: boolean,
  sentAt: number,
): ReportInput {
  return {
    source: plan.source,
    externalId: `bench-${runId}-${n}`,
    category: plan.category,
    // In the title: the live stream carries titles, not descriptions.
    title: `${plan.title} ${marker(measured, n, sentAt)}`,
    description: plan.description,
    location: plan.location,
    time: new Date(sentAt).toISOString(),
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
