/**
 * Writes tests/cities/lakeside/: 湖滨市, a small invented city package (docs/CITY.md) whose files
 * are all in GCJ-02 on purpose, and truth.json, the same city's WGS84 positions the tests
 * compare against. Everything is laid out in WGS84 first and converted to GCJ-02 with gcoord,
 * so truth.json is exact by construction. Deterministic: run it twice, get the same bytes.
 *
 *   npx tsx tests/cities/make-lakeside.ts
 *
 * Layout: a lattice of 5 meridians × 7 parallels. Each of its 4 × 6 cells (about 1,028 m ×
 * 498 m) is one grid; every region is a block of cells, and every ring lists each lattice
 * vertex on its boundary, so children share exact vertices with each other and with their
 * parent in GCJ-02 as well (no vertex of one ring lies on the middle of another's edge).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import gcoord from 'gcoord';
import * as prettier from 'prettier';
import { cameraSees } from '../../shared/geo/camera-view.js';
import { distanceMetres } from '../../shared/geo/distance.js';

type LngLat = [number, number];

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, 'lakeside');

// ---------------------------------------------------------------------------------------------
// The lattice, in WGS84.

const LNGS = [113.58, 113.59, 113.6, 113.61, 113.62];
const LATS = [22.486, 22.4905, 22.495, 22.4995, 22.504, 22.5085, 22.513];
const COLS = LNGS.length - 1; // 4 columns, west to east
const ROWS = LATS.length - 1; // 6 rows, south to north

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
const r7 = (x: number) => Math.round(x * 1e7) / 1e7;
const lngAt = (i: number) => LNGS[i]!;
const latAt = (j: number) => LATS[j]!;

/** Metres per degree here (equirectangular, plenty for a 4 km city). */
const M_PER_DEG_LAT = 110_750;
const M_PER_DEG_LNG = 111_320 * Math.cos((22.5 * Math.PI) / 180);

/** A point `east`, `north` metres from the centre of cell (i, j), rounded to 6 decimals. */
function inCell(i: number, j: number, east: number, north: number): LngLat {
  const lng = (lngAt(i) + lngAt(i + 1)) / 2 + east / M_PER_DEG_LNG;
  const lat = (latAt(j) + latAt(j + 1)) / 2 + north / M_PER_DEG_LAT;
  return [r6(lng), r6(lat)];
}

function toGcj(p: LngLat): LngLat {
  const [lng, lat] = gcoord.transform([p[0], p[1]], gcoord.WGS84, gcoord.GCJ02) as LngLat;
  return [r7(lng), r7(lat)];
}

/** Cells [i0, i1) × [j0, j1): a ring through every lattice vertex on its boundary, CCW. */
function blockRing(i0: number, i1: number, j0: number, j1: number): LngLat[] {
  const ring: LngLat[] = [];
  for (let i = i0; i < i1; i++) ring.push([lngAt(i), latAt(j0)]); // south edge, eastwards
  for (let j = j0; j < j1; j++) ring.push([lngAt(i1), latAt(j)]); // east edge, northwards
  for (let i = i1; i > i0; i--) ring.push([lngAt(i), latAt(j1)]); // north edge, westwards
  for (let j = j1; j > j0; j--) ring.push([lngAt(i0), latAt(j)]); // west edge, southwards
  ring.push([lngAt(i0), latAt(j0)]);
  return ring;
}

// ---------------------------------------------------------------------------------------------
// The region tree.

interface Block {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

interface RegionDef extends Block {
  id: string;
  parentId: string | null;
  level: 'city' | 'district' | 'street' | 'community' | 'grid';
  name: string;
  code?: string;
  population?: number;
  households?: number;
}

const DISTRICTS = [
  { name: '湖滨区', i0: 0 }, // west half
  { name: '渔湾区', i0: 2 }, // east half
];
// Per district: s1 the north half (rows 3-5), s2 the south half (rows 0-2).
const STREETS = [
  ['北岸街道', '南湖街道'],
  ['东堤街道', '海港街道'],
];
// Per street: c1 the west column, c2 the east column.
const COMMUNITIES = [
  [
    ['渔港社区', '柳岸社区'],
    ['荷塘社区', '望湖社区'],
  ],
  [
    ['东堤社区', '灯塔社区'],
    ['新村社区', '沙滩社区'],
  ],
];

const regions: RegionDef[] = [];
regions.push({
  id: 'hb',
  parentId: null,
  level: 'city',
  name: '湖滨市',
  code: '449900000000',
  i0: 0,
  i1: COLS,
  j0: 0,
  j1: ROWS,
});
/** The grid id of cell (i, j). */
const gridOfCell = new Map<string, string>();
for (const [d, district] of DISTRICTS.entries()) {
  const dId = `hb-d${d + 1}`;
  const dCode = `4499${String(d + 1).padStart(2, '0')}`;
  regions.push({
    id: dId,
    parentId: 'hb',
    level: 'district',
    name: district.name,
    code: `${dCode}000000`,
    i0: district.i0,
    i1: district.i0 + 2,
    j0: 0,
    j1: ROWS,
  });
  for (let s = 0; s < 2; s++) {
    const sId = `${dId}-s${s + 1}`;
    const sCode = `${dCode}${String(s + 1).padStart(3, '0')}`;
    const j0 = s === 0 ? 3 : 0;
    regions.push({
      id: sId,
      parentId: dId,
      level: 'street',
      name: STREETS[d]![s]!,
      code: `${sCode}000`,
      i0: district.i0,
      i1: district.i0 + 2,
      j0,
      j1: j0 + 3,
    });
    for (let c = 0; c < 2; c++) {
      const cId = `${sId}-c${c + 1}`;
      const cName = COMMUNITIES[d]![s]![c]!;
      const i = district.i0 + c;
      regions.push({
        id: cId,
        parentId: sId,
        level: 'community',
        name: cName,
        code: `${sCode}${String(c + 1).padStart(3, '0')}`,
        i0: i,
        i1: i + 1,
        j0,
        j1: j0 + 3,
      });
      for (let g = 0; g < 3; g++) {
        const j = j0 + 2 - g; // g1 the northernmost row of the street
        const gId = `${cId}-g${g + 1}`;
        const seed = (d * 2 + s) * 6 + c * 3 + g; // 0..23
        const households = 380 + ((seed * 137) % 420);
        regions.push({
          id: gId,
          parentId: cId,
          level: 'grid',
          name: `${cName}第${g + 1}网格`,
          population: Math.round(households * (2.6 + ((seed * 7) % 5) / 10)),
          households,
          i0: i,
          i1: i + 1,
          j0: j,
          j1: j + 1,
        });
        gridOfCell.set(`${i},${j}`, gId);
      }
    }
  }
}

const grid = (i: number, j: number) => gridOfCell.get(`${i},${j}`)!;
const blockCentre = (b: Block): LngLat => [
  r6((lngAt(b.i0) + lngAt(b.i1)) / 2),
  r6((latAt(b.j0) + latAt(b.j1)) / 2),
];
const blockBBox = (b: Block) => [lngAt(b.i0), latAt(b.j0), lngAt(b.i1), latAt(b.j1)];

/** The grid a WGS84 point lies in, and its distance in metres to the nearest grid edge. */
function locate(p: LngLat): { gridId: string; edgeMetres: number } {
  const i = LNGS.findIndex((x, k) => k < COLS && p[0] >= x && p[0] < lngAt(k + 1));
  const j = LATS.findIndex((y, k) => k < ROWS && p[1] >= y && p[1] < latAt(k + 1));
  if (i < 0 || j < 0) throw new Error(`${p.join(',')} lies outside the city`);
  const edgeMetres = Math.min(
    (p[0] - lngAt(i)) * M_PER_DEG_LNG,
    (lngAt(i + 1) - p[0]) * M_PER_DEG_LNG,
    (p[1] - latAt(j)) * M_PER_DEG_LAT,
    (latAt(j + 1) - p[1]) * M_PER_DEG_LAT,
  );
  return { gridId: grid(i, j), edgeMetres };
}

function mustStandWellInside(what: string, p: LngLat, min = 50): string {
  const { gridId, edgeMetres } = locate(p);
  if (edgeMetres < min) {
    throw new Error(`${what} is only ${edgeMetres.toFixed(0)} m from the edge of ${gridId}`);
  }
  return gridId;
}

// ---------------------------------------------------------------------------------------------
// Cameras: cell, offset from the cell's centre in metres, and what the CSV says of them.
// Blank bearing and fov mean "not given" (seen all round); blank range means the default 100 m.

interface CameraDef {
  cell: [number, number];
  at: [number, number];
  name: string;
  bearing?: number;
  fov?: number;
  range?: number;
  site: string;
}

// The incident the tests report: the centre of 渔港社区第2网格, cell (0, 4). Camera 1 stands
// 40 m west of it looking east, so it sees it; camera 2 stands 60 m east of it, also looking
// east, so the incident is within its range but behind it.
const INCIDENT_CELL: [number, number] = [0, 4];
// prettier-ignore
const CAMERAS: CameraDef[] = [
  { cell: [0, 4], at: [-40, 0], name: '渔港路北岸路口东向', bearing: 90, fov: 60, range: 100, site: '路口' },
  { cell: [0, 4], at: [60, 0], name: '渔港路中段东向', bearing: 90, fov: 60, range: 150, site: '主干道' },
  { cell: [0, 5], at: [250, -90], name: '北岸小学南门', bearing: 0, fov: 90, range: 120, site: '学校' },
  { cell: [1, 3], at: [-80, 30], name: '湖滨医院急诊门口', bearing: 60, fov: 90, range: 100, site: '医院' },
  { cell: [2, 1], at: [40, -60], name: '渔湾农贸市场入口', bearing: 45, fov: 100, range: 120, site: '市场' },
  { cell: [3, 4], at: [0, 0], name: '灯塔广场球机', bearing: 0, fov: 360, range: 150, site: '其他' },
  { cell: [1, 4], at: [120, 60], name: '柳岸花园东门', range: 80, site: '小区' },
  { cell: [3, 0], at: [-150, -120], name: '沙滩河堤', site: '河道' },
  { cell: [0, 0], at: [-300, 80], name: '荷塘村道口', bearing: 270, range: 100, site: '村道' },
  { cell: [0, 2], at: [200, 100], name: '荷塘路口', bearing: 135, fov: 70, range: 120, site: '路口' },
  { cell: [1, 0], at: [0, -150], name: '望湖路南段', bearing: 0, fov: 60, range: 150, site: '主干道' },
  { cell: [1, 2], at: [-200, 150], name: '望湖小区北门', bearing: 200, fov: 80, range: 80, site: '小区' },
  { cell: [2, 5], at: [-350, -100], name: '东堤路口', bearing: 315, fov: 90, range: 120, site: '路口' },
  { cell: [2, 3], at: [100, 50], name: '东堤社区活动中心', bearing: 90, fov: 90, range: 80, site: '其他' },
  { cell: [3, 5], at: [300, 0], name: '灯塔路北段', bearing: 180, fov: 60, range: 150, site: '主干道' },
  { cell: [3, 3], at: [-250, -50], name: '灯塔小区西门', bearing: 270, fov: 90, range: 100, site: '小区' },
  { cell: [2, 0], at: [150, 100], name: '新村村道', bearing: 30, fov: 60, range: 100, site: '村道' },
  { cell: [2, 2], at: [-100, 0], name: '海港客运站', bearing: 0, fov: 120, range: 150, site: '车站' },
  { cell: [3, 1], at: [350, 120], name: '沙滩路口', bearing: 225, fov: 90, range: 120, site: '路口' },
  { cell: [1, 5], at: [-300, -60], name: '北岸路中段', bearing: 90, fov: 60, range: 150, site: '主干道' },
];

const cameras = CAMERAS.map((c, k) => {
  const id = `440300000013200000${String(k + 1).padStart(2, '0')}`;
  const position = inCell(c.cell[0], c.cell[1], c.at[0], c.at[1]);
  const gridId = mustStandWellInside(`camera ${id}`, position);
  if (gridId !== grid(c.cell[0], c.cell[1])) throw new Error(`camera ${id} left its cell`);
  return {
    ...c,
    id,
    position,
    gridId,
    // As the package's reader must take them (docs/CITY.md defaults).
    effective: {
      bearing: c.bearing ?? 0,
      fov: c.fov ?? (c.bearing === undefined ? 360 : 90),
      range: c.range ?? 100,
    },
  };
});

const incident = inCell(INCIDENT_CELL[0], INCIDENT_CELL[1], 0, 0);
const incidentGrid = mustStandWellInside('the incident', incident, 200);
const seeing = cameras.filter((c) =>
  cameraSees({ position: c.position, ...c.effective }, incident),
);
const inRangeNotSeeing = cameras.filter(
  (c) => !seeing.includes(c) && distanceMetres(c.position, incident) <= c.effective.range,
);
if (seeing.map((c) => c.id).join() !== '44030000001320000001') {
  throw new Error(`the incident is seen by ${seeing.map((c) => c.id).join(', ')}`);
}
if (inRangeNotSeeing.map((c) => c.id).join() !== '44030000001320000002') {
  throw new Error(`in range but not seeing: ${inRangeNotSeeing.map((c) => c.id).join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Grid workers: one per community, walking its three grids, found in the first.

const WORKER_NAMES = ['陈海燕', '林志强', '黄丽娟', '周建华', '吴晓梅', '郑国栋', '梁秀英', '何伟'];
const communities = regions.filter((r) => r.level === 'community');
const workers = communities.map((community, k) => {
  const gridIds = regions.filter((r) => r.parentId === community.id).map((r) => r.id);
  const first = regions.find((r) => r.id === gridIds[0])!;
  const position = inCell(first.i0, first.j0, -250 + k * 40, -100);
  if (mustStandWellInside(`worker ${k + 1}`, position) !== first.id) throw new Error('worker');
  return {
    id: `hb-gw-${String(k + 1).padStart(2, '0')}`,
    name: WORKER_NAMES[k]!,
    phone: `1380760${String(1001 + k * 111).padStart(4, '0')}`,
    gridIds,
    position,
  };
});

// ---------------------------------------------------------------------------------------------
// Key places: a school (an outline), a hospital and a market (points).

const schoolRing: LngLat[] = [
  inCell(0, 5, 150, -20),
  inCell(0, 5, 350, -20),
  inCell(0, 5, 350, 120),
  inCell(0, 5, 150, 120),
  inCell(0, 5, 150, -20),
];
const hospital = inCell(1, 3, 0, 50);
const market = inCell(2, 1, 100, 0);
for (const [what, p] of [
  ['school', schoolRing[0]!],
  ['school', schoolRing[2]!],
  ['hospital', hospital],
  ['market', market],
] as const) {
  mustStandWellInside(what, p);
}
const keyPlaces = [
  {
    id: 'hb-kp-school',
    name: '北岸小学',
    kind: 'school',
    level: 1,
    geometry: { type: 'Polygon', ring: schoolRing },
    gridId: grid(0, 5),
  },
  {
    id: 'hb-kp-hospital',
    name: '湖滨市人民医院',
    kind: 'hospital',
    level: 1,
    geometry: { type: 'Point', point: hospital },
    gridId: grid(1, 3),
  },
  {
    id: 'hb-kp-market',
    name: '渔湾农贸市场',
    kind: 'market',
    level: 2,
    geometry: { type: 'Point', point: market },
    gridId: grid(2, 1),
  },
] as const;

// ---------------------------------------------------------------------------------------------
// Patrols: two short closed loops inside their streets.

const loop = (w: number, s: number, e: number, n: number): LngLat[] => [
  [w, s],
  [e, s],
  [e, n],
  [w, n],
  [w, s],
];
const patrols = [
  {
    id: 'hb-pt-01',
    name: '北岸派出所巡逻组',
    kind: 'police',
    members: 3,
    regionId: 'hb-d1-s1',
    route: loop(113.583, 22.5015, 113.597, 22.5105),
  },
  {
    id: 'hb-pt-02',
    name: '海港城管巡查队',
    kind: 'city-management',
    members: 2,
    regionId: 'hb-d2-s2',
    route: loop(113.604, 22.489, 113.616, 22.496),
  },
];

const departments = [
  { id: 'hb-dept-police', name: '湖滨市公安局', kind: 'public-security', phone: '0760-8810110' },
  {
    id: 'hb-dept-city-management',
    name: '湖滨市城市管理和综合执法局',
    kind: 'city-management',
    phone: '0760-8812319',
  },
  {
    id: 'hb-dept-mediation',
    name: '湖滨市矛盾纠纷调解中心',
    kind: 'mediation',
    phone: '0760-8813148',
  },
  {
    id: 'hb-dept-beian',
    name: '北岸街道办事处',
    kind: 'street-office',
    streetId: 'hb-d1-s1',
    phone: '0760-8814001',
  },
];

// ---------------------------------------------------------------------------------------------
// Writing.

async function writeJson(name: string, value: unknown): Promise<void> {
  const path = join(outDir, name);
  const options = (await prettier.resolveConfig(path)) ?? {};
  writeFileSync(path, await prettier.format(JSON.stringify(value), { ...options, filepath: path }));
}

const csvCell = (v: string | number | undefined) => {
  const s = v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (rows: (string | number | undefined)[][], eol: string) =>
  rows.map((row) => row.map(csvCell).join(',')).join(eol) + eol;

/** Real GBK bytes, as Excel saves a CSV on a Chinese Windows (Node cannot encode GBK). */
function gbk(text: string): Buffer {
  return execFileSync(
    'python3',
    [
      '-c',
      'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode("utf-8").encode("gbk"))',
    ],
    { input: Buffer.from(text, 'utf8') },
  );
}

mkdirSync(outDir, { recursive: true });

await writeJson('city.json', {
  name: '湖滨市',
  crs: 'gcj02',
  about: { note: 'test city for the city package, in GCJ-02 on purpose' },
});

await writeJson('regions.geojson', {
  type: 'FeatureCollection',
  features: regions.map((r) => ({
    type: 'Feature',
    properties: {
      id: r.id,
      parentId: r.parentId,
      level: r.level,
      name: r.name,
      ...(r.code ? { code: r.code } : {}),
      ...(r.level === 'grid'
        ? { population: r.population, households: r.households, center: toGcj(blockCentre(r)) }
        : {}),
    },
    geometry: { type: 'Polygon', coordinates: [blockRing(r.i0, r.i1, r.j0, r.j1).map(toGcj)] },
  })),
});

const cameraRows = cameras.map((c) => {
  const [lng, lat] = toGcj(c.position);
  return [c.id, c.name, lng, lat, c.bearing, c.fov, c.range, c.site];
});
writeFileSync(
  join(outDir, 'cameras.csv'),
  gbk(
    csv(
      [['设备编码', '名称', '经度', '纬度', '朝向', '视角', '可视距离', '点位类型'], ...cameraRows],
      '\r\n',
    ),
  ),
);

await writeJson('departments.json', departments);

writeFileSync(
  join(outDir, 'grid-workers.csv'),
  csv(
    [
      ['编号', '姓名', '手机', '网格', '经度', '纬度'],
      ...workers.map((w) => {
        const [lng, lat] = toGcj(w.position);
        return [w.id, w.name, w.phone, w.gridIds.join(';'), lng, lat];
      }),
    ],
    '\n',
  ),
);

await writeJson('key-places.geojson', {
  type: 'FeatureCollection',
  features: keyPlaces.map((p) => ({
    type: 'Feature',
    properties: { id: p.id, name: p.name, kind: p.kind, level: p.level },
    geometry:
      p.geometry.type === 'Polygon'
        ? { type: 'Polygon', coordinates: [p.geometry.ring.map(toGcj)] }
        : { type: 'Point', coordinates: toGcj(p.geometry.point) },
  })),
});

await writeJson(
  'patrols.json',
  patrols.map((p) => ({ ...p, route: p.route.map(toGcj) })),
);

await writeJson('truth.json', {
  about:
    'WGS84 reference for tests/cities/lakeside, written by tests/cities/make-lakeside.ts; the ' +
    'package files are these positions converted to GCJ-02. Not part of the package itself.',
  bbox: blockBBox(regions[0]!),
  regions: regions
    .filter((r) => r.level !== 'grid')
    .map((r) => ({
      id: r.id,
      level: r.level,
      parentId: r.parentId,
      name: r.name,
      bbox: blockBBox(r),
    })),
  grids: regions
    .filter((r) => r.level === 'grid')
    .map((r) => ({
      id: r.id,
      parentId: r.parentId,
      name: r.name,
      label: blockCentre(r),
      bbox: blockBBox(r),
      population: r.population,
      households: r.households,
      gridWorkerId: workers.find((w) => w.gridIds.includes(r.id))!.id,
    })),
  cameras: cameras.map((c) => ({
    id: c.id,
    name: c.name,
    position: c.position,
    gridId: c.gridId,
    ...c.effective,
  })),
  gridWorkers: workers.map((w) => ({ id: w.id, gridIds: w.gridIds, position: w.position })),
  keyPlaces: keyPlaces.map((p) => ({
    id: p.id,
    kind: p.kind,
    gridId: p.gridId,
    ...(p.geometry.type === 'Polygon' ? { ring: p.geometry.ring } : { position: p.geometry.point }),
  })),
  patrols: patrols.map((p) => ({ id: p.id, regionId: p.regionId, route: p.route })),
  incident: {
    about:
      'A report here lands in gridId; cameras see it (in range and in the view cone); ' +
      'notSeeing are in range but face away.',
    wgs84: incident,
    gcj02: toGcj(incident),
    gridId: incidentGrid,
    cameras: seeing.map((c) => c.id),
    notSeeing: inRangeNotSeeing.map((c) => c.id),
  },
});

// How far a GCJ-02 → WGS84 round trip lands from the truth, to size the tests' tolerance.
let worst = 0;
for (const p of [...cameras.map((c) => c.position), ...regions.map(blockCentre), incident]) {
  const back = gcoord.transform(toGcj(p), gcoord.GCJ02, gcoord.WGS84) as LngLat;
  worst = Math.max(worst, distanceMetres(p, back));
}
console.log(
  `wrote ${outDir}: ${regions.length} regions, ${cameras.length} cameras; ` +
    `GCJ-02 round trip within ${worst.toFixed(3)} m`,
);
