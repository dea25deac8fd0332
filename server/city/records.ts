import { z } from 'zod';
import {
  CAMERA_KINDS,
  CAMERA_SITES,
  DEPARTMENT_KINDS,
  IdSchema,
  KEY_PLACE_KINDS,
  PATROL_KINDS,
  REGION_LEVELS,
} from '../../shared/index.js';
import { CRS_NAMES } from './crs.js';

// What each file of a city package may hold (docs/CITY.md), before conversion to WGS84 and
// before the fields the loader derives (a camera's grid, a region's label point).

/** A number, also as CSV gives it: a string of digits. */
const num = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v),
  z.number({ error: (i) => `expected a number, got ${JSON.stringify(i.input)}` }),
);
const lng = num.pipe(z.number().min(-180).max(180));
const lat = num.pipe(z.number().min(-90).max(90));
const lngLat = z.tuple([lng, lat]);
/**
 * A camera's or grid worker's position: two numbers, their range left to the reader
 * (points.ts `plausible`), which tells a pair outside China and a swapped one; a latitude
 * bound here would catch every swapped pair in China first (its latitude is over 90).
 */
const pointLngLat = z.tuple([num, num]);
const text = z.string().trim().min(1);
/** A value from a list, given in English or by its Chinese word. */
function oneOf<T extends string>(values: readonly T[], chinese: Record<string, T>) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? (chinese[v.trim()] ?? v.trim()) : v),
    z.enum(values as [T, ...T[]], {
      error: (i) =>
        `${JSON.stringify(i.input)} is not one of ${values.join(', ')} (or their Chinese names)`,
    }),
  );
}

export const CityFileSchema = z.strictObject({
  name: text,
  crs: z.enum(CRS_NAMES).default('wgs84'),
  files: z.record(z.string(), z.strictObject({ crs: z.enum(CRS_NAMES).optional() })).default({}),
  tolerance: z
    .strictObject({ metres: z.number().nonnegative(), squareMetres: z.number().nonnegative() })
    .partial()
    .default({}),
  about: z.record(z.string(), z.unknown()).optional(),
});
export type CityFile = z.infer<typeof CityFileSchema>;

export const RegionRecordSchema = z.object({
  id: IdSchema,
  parentId: IdSchema.nullable(),
  level: z.enum(REGION_LEVELS),
  name: text,
  code: z
    .preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1).max(32))
    .optional(),
  population: num.pipe(z.number().int().nonnegative()).optional(),
  households: num.pipe(z.number().int().nonnegative()).optional(),
  center: lngLat.optional(),
});

export const CAMERA_COLUMNS: Record<string, string> = {
  id: 'id',
  设备编码: 'id',
  设备编号: 'id',
  国标编码: 'id',
  name: 'name',
  名称: 'name',
  点位名称: 'name',
  设备名称: 'name',
  lng: 'lng',
  经度: 'lng',
  lat: 'lat',
  纬度: 'lat',
  bearing: 'bearing',
  朝向: 'bearing',
  方向角: 'bearing',
  fov: 'fov',
  视角: 'fov',
  range: 'range',
  可视距离: 'range',
  kind: 'kind',
  类型: 'kind',
  摄像机类型: 'kind',
  site: 'site',
  点位类型: 'site',
  regionid: 'regionId',
  所属网格: 'regionId',
};

const CAMERA_KIND_WORDS = { 枪机: 'fixed', 球机: 'ptz', 半球: 'dome' } as const;
const CAMERA_SITE_WORDS = {
  路口: 'crossing',
  主干道: 'main-road',
  学校: 'school',
  医院: 'hospital',
  市场: 'market',
  小区: 'residential',
  村道: 'village-road',
  河道: 'riverside',
  车站: 'transport',
  其他: 'other',
} as const;

export const CameraRecordSchema = z.object({
  id: IdSchema,
  name: text,
  position: pointLngLat,
  bearing: num.pipe(z.number().min(0).lt(360)).optional(),
  fov: num.pipe(z.number().gt(0).max(360)).optional(),
  range: num.pipe(z.number().positive().max(5000)).optional(),
  kind: oneOf(CAMERA_KINDS, CAMERA_KIND_WORDS).default('fixed'),
  site: oneOf(CAMERA_SITES, CAMERA_SITE_WORDS).default('other'),
  regionId: IdSchema.optional(),
});

export const DEPARTMENT_COLUMNS: Record<string, string> = {
  id: 'id',
  编号: 'id',
  name: 'name',
  名称: 'name',
  kind: 'kind',
  类型: 'kind',
  phone: 'phone',
  contact: 'phone',
  联系电话: 'phone',
  streetid: 'streetId',
  所属街道: 'streetId',
  regionid: 'regionId',
  服务区域: 'regionId',
};

const DEPARTMENT_KIND_WORDS = {
  公安: 'public-security',
  城管: 'city-management',
  应急: 'emergency-management',
  住建: 'housing',
  卫健: 'health',
  市场监管: 'market-regulation',
  调解: 'mediation',
  民政: 'civil-affairs',
  交通: 'transport',
  生态环境: 'environment',
  消防: 'fire',
  教育: 'education',
  水务: 'water',
  信访: 'letters-visits',
  街道办: 'street-office',
  社区服务站: 'community-station',
} as const;

export const DepartmentRecordSchema = z.object({
  id: IdSchema,
  name: text,
  kind: oneOf(DEPARTMENT_KINDS, DEPARTMENT_KIND_WORDS),
  phone: z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(5)).optional(),
  streetId: IdSchema.optional(),
  regionId: IdSchema.optional(),
});

export const GRID_WORKER_COLUMNS: Record<string, string> = {
  id: 'id',
  编号: 'id',
  name: 'name',
  姓名: 'name',
  phone: 'phone',
  手机: 'phone',
  联系电话: 'phone',
  gridids: 'gridIds',
  网格: 'gridIds',
  所属网格: 'gridIds',
  lng: 'lng',
  经度: 'lng',
  lat: 'lat',
  纬度: 'lat',
};

export const GridWorkerRecordSchema = z.object({
  id: IdSchema,
  name: text,
  phone: z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : v),
    z.string().regex(/^1\d{10}$/, 'expected a mobile number of 11 digits starting with 1'),
  ),
  gridIds: z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(/[;；,，、|]/)
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(IdSchema).min(1, 'names no grid'),
  ),
  position: pointLngLat.optional(),
});

export const PatrolRecordSchema = z.object({
  id: IdSchema,
  name: text,
  kind: z.enum(PATROL_KINDS),
  members: num.pipe(z.number().int().positive()),
  regionId: IdSchema,
  route: z.array(lngLat).min(2).optional(),
  position: lngLat.optional(),
});

const KEY_PLACE_KIND_WORDS = {
  学校: 'school',
  医院: 'hospital',
  市场: 'market',
  车站: 'station',
  党政机关: 'government',
  场馆: 'venue',
  危化: 'hazard',
  其他: 'other',
} as const;

export const KeyPlaceRecordSchema = z.object({
  id: IdSchema,
  name: text,
  kind: oneOf(KEY_PLACE_KINDS, KEY_PLACE_KIND_WORDS),
  level: num.pipe(z.number().int().min(1).max(3)).default(2),
});

/** Moves CSV's separate lng/lat cells into the position pair the schemas read. */
export function withPosition(fields: Record<string, unknown>): Record<string, unknown> {
  if (!('lng' in fields) && !('lat' in fields)) return fields;
  const { lng: x, lat: y, ...rest } = fields;
  return { ...rest, position: [x, y] };
}
