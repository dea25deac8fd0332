/**
 * A synthetic city package (docs/CITY.md) of any size, for benchmarks and tests: one city, ten
 * districts, about eight streets each, about ten communities each, grids filling them, cameras,
 * departments and grid workers. The same options always write the same bytes.
 *
 * The territory is a lattice of cells about 300 m square, centred on 113.0, 23.0. Every region
 * is a rectangle of cells whose rings walk through every lattice vertex on their edge, so
 * neighbours share exactly the same vertices and the vertices can be jittered freely: the tiling
 * has no gap and no overlap, and the boundaries are not straight lines.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import gcoord from 'gcoord';
import type { LngLat, RegionFeature } from '../../shared/index.js';
import { seededRandom, type Random } from '../../shared/random.js';

export interface SyntheticCityOptions {
  /** Grids to write: exact, but for a handful (a city of one cell per community cannot pair cells). */
  grids: number;
  cameras: number;
  /** The coordinate system the files are written in (declared in city.json); default wgs84. */
  crs?: 'wgs84' | 'gcj02';
  seed?: number;
}

export interface SyntheticCity {
  districts: number;
  streets: number;
  communities: number;
  grids: number;
  cameras: number;
  gridWorkers: number;
  departments: number;
}

const CENTER = { lng: 113.0, lat: 23.0 };
const CELL_METRES = 300;
/** How far a lattice vertex may move, as a share of a cell: small enough to keep cells convex. */
const JITTER = 0.15;
const METRES_PER_DEGREE = (6_371_008.8 * Math.PI) / 180;

// Districts 5 x 2, streets 4 x 2 in each, communities 2 x 5 in each: 40 x 20 communities, so
// a lattice twice as wide as high gives square-ish communities (5 x 5 cells at 20,000 grids).
const SPLITS = {
  district: [5, 2],
  street: [4, 2],
  community: [2, 5],
} as const;

const DISTRICT_NAMES = '东湖 西江 南山 北岭 中洲 新城 滨海 云台 青溪 白沙'.split(' ');
const PLACE_NAMES = [
  '东门 西关 南桥 北苑 中山 文昌 和平 新华 建设 人民 解放 朝阳',
  '长安 金沙 银湖 翠竹 桂园 荔湾 松岗 梅林 石岩 龙华 凤凰 莲塘',
]
  .join(' ')
  .split(' ');
const NUMERALS = '一 二 三 四 五 六 七 八 九 十'.split(' ');
const SURNAMES = '陈 李 张 王 刘 黄 林 吴 周 梁 罗 何 郑 谢'.split(' ');
const GIVEN = '伟 芳 敏 静 磊 洋 婷 强 军 丽 德明 淑芬 建华 志强'.split(' ');
// 点位类型 as a clerk writes it, weighted roughly as a city's cameras stand.
const SITES = [
  ...Array<string>(7).fill('路口'),
  ...Array<string>(3).fill('主干道'),
  ...Array<string>(4).fill('小区'),
  '学校',
  '医院',
  '市场',
  '村道',
  '河道',
  '车站',
  '其他',
];
const DEPARTMENTS = [
  ['dept-public-security', '合成市公安局', 'public-security'],
  ['dept-city-management', '合成市城市管理和综合执法局', 'city-management'],
  ['dept-emergency', '合成市应急管理局', 'emergency-management'],
  ['dept-housing', '合成市住房和城乡建设局', 'housing'],
  ['dept-health', '合成市卫生健康局', 'health'],
  ['dept-market', '合成市市场监督管理局', 'market-regulation'],
  ['dept-mediation', '合成市人民调解委员会', 'mediation'],
  ['dept-water', '合成市水务局', 'water'],
] as const;

interface Block {
  id: string;
  parentId: string | null;
  level: 'city' | 'district' | 'street' | 'community' | 'grid';
  name: string;
  code?: string;
  /** Cells [c0, c1) x [r0, r1). */
  c0: number;
  c1: number;
  r0: number;
  r1: number;
  population: number;
}

/** Writes the package into `dir` (created if need be) and says what it holds. */
export function writeSyntheticCity(dir: string, opts: SyntheticCityOptions): SyntheticCity {
  const rng = seededRandom(opts.seed ?? 20240601);
  const crs = opts.crs ?? 'wgs84';
  const wanted = Math.max(1, Math.floor(opts.grids));
  const rows = Math.max(1, Math.round(Math.sqrt(wanted / 2)));
  const cols = Math.ceil(wanted / rows);

  // The lattice, jittered, in WGS84 (for placing cameras) and as the text every ring repeats.
  const dLat = CELL_METRES / METRES_PER_DEGREE;
  const dLng = CELL_METRES / (METRES_PER_DEGREE * Math.cos((CENTER.lat * Math.PI) / 180));
  const west = CENTER.lng - (cols * dLng) / 2;
  const south = CENTER.lat - (rows * dLat) / 2;
  const stride = cols + 1;
  const vx = new Float64Array(stride * (rows + 1));
  const vy = new Float64Array(stride * (rows + 1));
  const vtext: string[] = new Array<string>(vx.length);
  const toFile = crs === 'gcj02' ? toGcj02 : (p: [number, number]) => p;
  for (let j = 0; j <= rows; j++) {
    for (let i = 0; i <= cols; i++) {
      const v = j * stride + i;
      vx[v] = west + (i + (rng() * 2 - 1) * JITTER) * dLng;
      vy[v] = south + (j + (rng() * 2 - 1) * JITTER) * dLat;
      vtext[v] = lngLatText(toFile([vx[v]!, vy[v]!]));
    }
  }

  const city: Block = block('city', null, 'city', '合成市', 0, cols, 0, rows, '440700');
  const districts: Block[] = [];
  const streets: Block[] = [];
  const communities: Block[] = [];
  for (const [d, [c0, c1, r0, r1]] of splitBlock(city, SPLITS.district).entries()) {
    const id = `d${pad(d + 1, 2)}`;
    const code = `4407${pad(d + 1, 2)}`;
    districts.push(
      block(id, city.id, 'district', `${DISTRICT_NAMES[d % 10]}区`, c0, c1, r0, r1, code),
    );
  }
  // Streets and communities are two cells a side or more where there is room, so that cells can
  // pair up into grids (below) even in a small city.
  for (const district of districts) {
    for (const [s, [c0, c1, r0, r1]] of splitBlock(district, SPLITS.street, 2).entries()) {
      const name = `${PLACE_NAMES[(streets.length * 7) % PLACE_NAMES.length]}街道`;
      const code = `${district.code}${pad(s + 1, 3)}000`;
      const id = `${district.id}-s${pad(s + 1, 2)}`;
      streets.push(block(id, district.id, 'street', name, c0, c1, r0, r1, code));
    }
  }
  for (const street of streets) {
    for (const [c, [c0, c1, r0, r1]] of splitBlock(street, SPLITS.community, 2).entries()) {
      const place = PLACE_NAMES[(communities.length * 5) % PLACE_NAMES.length];
      const name = `${place}${NUMERALS[c % 10]}社区`;
      const code = `${street.code!.slice(0, 9)}${pad(c + 1, 3)}`;
      const id = `${street.id}-c${pad(c + 1, 2)}`;
      communities.push(block(id, street.id, 'community', name, c0, c1, r0, r1, code));
    }
  }

  // One grid per cell, except that pairs of neighbouring cells become one grid until the count
  // is exact: rows x cols overshoots by less than a row, one pair per community covers it.
  let excess = rows * cols - wanted;
  const wide = new Map<number, [number, number]>(); // first cell of a pair -> its size in cells
  const absorbed = new Set<number>(); // second cell of a pair
  for (let pass = 0; excess > 0; pass++) {
    let progress = false;
    for (const c of communities) {
      if (excess === 0) break;
      const across = c.c1 - c.c0 >= 2 && c.r0 + pass < c.r1;
      const down = !across && c.r1 - c.r0 >= 2 && c.c0 + pass < c.c1;
      if (!across && !down) continue;
      const first = across ? (c.r0 + pass) * cols + c.c0 : c.r0 * cols + c.c0 + pass;
      wide.set(first, across ? [2, 1] : [1, 2]);
      absorbed.add(across ? first + 1 : first + cols);
      excess--;
      progress = true;
    }
    if (!progress) break;
  }
  const grids: Block[] = [];
  const gridsOf = new Map<Block, Block[]>();
  for (const community of communities) {
    const own: Block[] = [];
    for (let r = community.r0; r < community.r1; r++) {
      for (let c = community.c0; c < community.c1; c++) {
        if (absorbed.has(r * cols + c)) continue;
        const [w, h] = wide.get(r * cols + c) ?? [1, 1];
        const id = `${community.id}-g${pad(own.length + 1, 2)}`;
        const name = `${community.name}第${own.length + 1}网格`;
        const grid = block(id, community.id, 'grid', name, c, c + w, r, r + h);
        grid.population = (600 + Math.floor(rng() * 2400)) * w * h;
        own.push(grid);
      }
    }
    gridsOf.set(community, own);
    grids.push(...own);
  }
  // Parents' populations are their children's sums, as a statistics bureau would give them.
  const sum = (children: Block[]) => children.reduce((s, b) => s + b.population, 0);
  for (const c of communities) c.population = sum(gridsOf.get(c)!);
  for (const s of streets) s.population = sum(communities.filter((c) => c.parentId === s.id));
  for (const d of districts) d.population = sum(streets.filter((s) => s.parentId === d.id));
  city.population = sum(districts);

  mkdirSync(dir, { recursive: true });
  const cityJson = {
    name: '合成市',
    crs,
    about: {
      generatedBy: 'bench/city/synthetic.ts',
      seed: opts.seed ?? 20240601,
      grids: grids.length,
      cameras: opts.cameras,
    },
  };
  writeFileSync(join(dir, 'city.json'), `${JSON.stringify(cityJson, null, 2)}\n`);

  const ring = (b: Block): string => {
    const at = (i: number, j: number) => vtext[j * stride + i]!;
    const out: string[] = [];
    for (let i = b.c0; i < b.c1; i++) out.push(at(i, b.r0));
    for (let j = b.r0; j < b.r1; j++) out.push(at(b.c1, j));
    for (let i = b.c1; i > b.c0; i--) out.push(at(i, b.r1));
    for (let j = b.r1; j > b.r0; j--) out.push(at(b.c0, j));
    out.push(at(b.c0, b.r0));
    return out.join(',');
  };
  const feature = (b: Block): string => {
    const properties = {
      id: b.id,
      parentId: b.parentId,
      level: b.level,
      name: b.name,
      ...(b.code ? { code: b.code } : {}),
      population: b.population,
      households: Math.round(b.population / 2.8),
    };
    return `{"type":"Feature","properties":${JSON.stringify(properties)},"geometry":{"type":"Polygon","coordinates":[[${ring(b)}]]}}`;
  };
  const all = [city, ...districts, ...streets, ...communities, ...grids];
  writeFileSync(
    join(dir, 'regions.geojson'),
    `{"type":"FeatureCollection","features":[\n${all.map(feature).join(',\n')}\n]}\n`,
  );

  // Cameras spread evenly over the grids, each well inside its grid's first cell: a bilinear
  // point of a convex cell, kept a fifth of a cell from its edges.
  const lines = ['设备编码,名称,经度,纬度,朝向,视角,可视距离,点位类型'];
  for (let k = 0; k < opts.cameras; k++) {
    const grid = grids[Math.floor((k * grids.length) / opts.cameras)]!;
    const u = 0.2 + rng() * 0.6;
    const v = 0.2 + rng() * 0.6;
    const corner = (di: number, dj: number) => (grid.r0 + dj) * stride + grid.c0 + di;
    const mix = (a: Float64Array) =>
      (1 - v) * ((1 - u) * a[corner(0, 0)]! + u * a[corner(1, 0)]!) +
      v * ((1 - u) * a[corner(0, 1)]! + u * a[corner(1, 1)]!);
    const [lng, lat] = toFile([mix(vx), mix(vy)]);
    const district = grid.id.slice(1, 3);
    const code = `4407${district}0000132${pad(k + 1, 7)}`;
    const site = SITES[Math.floor(rng() * SITES.length)]!;
    const name = `${communityName(grid)}${site}${(k % 97) + 1}号`;
    const dome = rng() < 0.15;
    const bearing = Math.floor(rng() * 3600) / 10;
    const fov = dome ? 360 : [60, 80, 90][Math.floor(rng() * 3)];
    const range = 60 + Math.floor(rng() * 100);
    lines.push(
      `${code},${name},${lng.toFixed(6)},${lat.toFixed(6)},${bearing},${fov},${range},${site}`,
    );
  }
  // Excel's UTF-8 CSV starts with a BOM; the loader must take it.
  writeFileSync(join(dir, 'cameras.csv'), `\ufeff${lines.join('\r\n')}\r\n`);

  const departments: Record<string, string>[] = DEPARTMENTS.map(([id, name, kind]) => ({
    id,
    name,
    kind,
    phone: `0750-${pad(3_000_000 + Math.floor(rng() * 6_999_999), 7)}`,
  }));
  for (const street of streets.slice(0, 4)) {
    departments.push({
      id: `dept-${street.id}`,
      name: `${street.name}办事处`,
      kind: 'street-office',
      streetId: street.id,
    });
  }
  writeFileSync(join(dir, 'departments.json'), jsonLines(departments));

  // A worker walks up to four neighbouring grids of one community.
  const workers: { id: string; name: string; phone: string; gridIds: string[] }[] = [];
  for (const community of communities) {
    const own = gridsOf.get(community)!;
    for (let k = 0; k < own.length; k += 4) {
      workers.push({
        id: `gw-${pad(workers.length + 1, 5)}`,
        name: personName(rng),
        phone: `1${'35789'[Math.floor(rng() * 5)]}${pad(Math.floor(rng() * 1e9), 9)}`,
        gridIds: own.slice(k, k + 4).map((g) => g.id),
      });
    }
  }
  writeFileSync(join(dir, 'grid-workers.json'), jsonLines(workers));

  return {
    districts: districts.length,
    streets: streets.length,
    communities: communities.length,
    grids: grids.length,
    cameras: opts.cameras,
    gridWorkers: workers.length,
    departments: departments.length,
  };

  function communityName(grid: Block): string {
    return grid.name.slice(0, grid.name.indexOf('第'));
  }
}

function block(
  id: string,
  parentId: string | null,
  level: Block['level'],
  name: string,
  c0: number,
  c1: number,
  r0: number,
  r1: number,
  code?: string,
): Block {
  return { id, parentId, level, name, code, c0, c1, r0, r1, population: 0 };
}

/** A block cut into up to cols x rows nearly equal blocks, each `least` cells a side if it can. */
function splitBlock(
  b: Block,
  [cols, rows]: readonly [number, number],
  least = 1,
): [number, number, number, number][] {
  const xs = cuts(b.c0, b.c1, Math.min(cols, Math.floor((b.c1 - b.c0) / least)));
  const ys = cuts(b.r0, b.r1, Math.min(rows, Math.floor((b.r1 - b.r0) / least)));
  const out: [number, number, number, number][] = [];
  for (let j = 0; j + 1 < ys.length; j++) {
    for (let i = 0; i + 1 < xs.length; i++) out.push([xs[i]!, xs[i + 1]!, ys[j]!, ys[j + 1]!]);
  }
  return out;
}

function cuts(from: number, to: number, parts: number): number[] {
  const n = Math.max(1, Math.min(parts, to - from));
  return Array.from({ length: n + 1 }, (_, k) => from + Math.round(((to - from) * k) / n));
}

function toGcj02(p: [number, number]): [number, number] {
  return gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02) as [number, number];
}

function lngLatText([lng, lat]: [number, number]): string {
  return `[${lng.toFixed(6)},${lat.toFixed(6)}]`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function personName(rng: Random): string {
  return `${SURNAMES[Math.floor(rng() * SURNAMES.length)]}${GIVEN[Math.floor(rng() * GIVEN.length)]}`;
}

/** A JSON array with one record a line, as the fixtures are written: diffable and greppable. */
function jsonLines(records: readonly object[]): string {
  return `[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`;
}

/**
 * Grows every grid by 0.5 % about its middle (under a metre over each edge, within the checker's
 * tolerance), so neighbours no longer share vertices, as with grids drawn one by one.
 */
export function loosenGrids(features: RegionFeature[]): void {
  for (const f of features) {
    if (f.properties.level !== 'grid' || f.geometry.type !== 'Polygon') continue;
    const ring = f.geometry.coordinates[0]!;
    const corners = ring.slice(1);
    const cx = corners.reduce((s, p) => s + p[0], 0) / corners.length;
    const cy = corners.reduce((s, p) => s + p[1], 0) / corners.length;
    f.geometry.coordinates[0] = ring.map(([x, y]): LngLat => [
      cx + (x - cx) * 1.005,
      cy + (y - cy) * 1.005,
    ]);
  }
}

/** The same, on a written package's regions.geojson. */
export function loosenPackage(dir: string): void {
  const file = join(dir, 'regions.geojson');
  const regions = JSON.parse(readFileSync(file, 'utf8')) as { features: RegionFeature[] };
  loosenGrids(regions.features);
  writeFileSync(file, JSON.stringify(regions));
}
