import { z } from 'zod';
import { CameraSchema } from './cameras.js';
import { IdSchema, LngLatSchema } from './common.js';
import { DepartmentSchema, PatrolSchema } from './organisation.js';
import { AreaGeometrySchema, GridWorkerSchema, RegionCollectionSchema } from './regions.js';

/**
 * The city a centre runs, as the server holds it after loading its city package (CITY_DIR,
 * docs/CITY.md): every coordinate already in WGS84, every derived field filled in.
 */

/**
 * The coordinate systems Chinese city data and phones use: WGS84 (GPS), CGCS2000 (天地图, read as
 * WGS84), GCJ-02 (高德, 腾讯) and BD-09 (百度). The server converts everything to WGS84.
 */
export const CRS_NAMES = ['wgs84', 'cgcs2000', 'gcj02', 'bd09'] as const;
export const CrsSchema = z.enum(CRS_NAMES);
export type Crs = z.infer<typeof CrsSchema>;

/** What the login page and the map need to know of the city before anything else. */
export const CityInfoSchema = z.object({
  name: z.string().min(1),
  /** A point inside the city boundary. */
  center: LngLatSchema,
  /** [west, south, east, north] of the city boundary. */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});
export type CityInfo = z.infer<typeof CityInfoSchema>;

/** 重点场所: kinds of places a centre watches more closely. */
export const KEY_PLACE_KINDS = [
  'school',
  'hospital',
  'market',
  'station',
  'government',
  'venue',
  'hazard',
  'other',
] as const;
export const KeyPlaceKindSchema = z.enum(KEY_PLACE_KINDS);
export type KeyPlaceKind = z.infer<typeof KeyPlaceKindSchema>;

export const KeyPlaceSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  kind: KeyPlaceKindSchema,
  /** 1 is the most important (一级重点场所). */
  level: z.number().int().min(1).max(3),
  /** The place itself, or a point inside its outline. */
  position: LngLatSchema,
  /** Its outline, when the package gives one. */
  area: AreaGeometrySchema.nullable(),
  /** The grid it stands in. */
  gridId: IdSchema,
});
export type KeyPlace = z.infer<typeof KeyPlaceSchema>;

export const CitySchema = z.object({
  info: CityInfoSchema,
  regions: RegionCollectionSchema,
  cameras: z.array(CameraSchema),
  gridWorkers: z.array(GridWorkerSchema),
  departments: z.array(DepartmentSchema),
  patrols: z.array(PatrolSchema),
  keyPlaces: z.array(KeyPlaceSchema),
});
export type City = z.infer<typeof CitySchema>;
