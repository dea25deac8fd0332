import { z } from 'zod';
import { IdSchema, LngLatSchema } from './common.js';

export const REGION_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
export const RegionLevelSchema = z.enum(REGION_LEVELS);
export type RegionLevel = z.infer<typeof RegionLevelSchema>;

/** One node of the region tree: city -> district -> street -> community -> grid. */
export const RegionSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  level: RegionLevelSchema,
  parentId: IdSchema.nullable(),
  /** 统计用区划代码, when the package gives one. */
  code: z.string().min(1).max(32).optional(),
  /** A point inside the region, for its label and for flying the map to it. */
  center: LngLatSchema,
  population: z.number().int().nonnegative().optional(),
  households: z.number().int().nonnegative().optional(),
  /** Grids only: the grid worker who walks it. */
  gridWorkerId: IdSchema.optional(),
});
export type Region = z.infer<typeof RegionSchema>;

export const PolygonSchema = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(z.array(LngLatSchema).min(4)).min(1),
});
export const MultiPolygonSchema = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(z.array(LngLatSchema).min(4)).min(1)).min(1),
});
export const AreaGeometrySchema = z.union([PolygonSchema, MultiPolygonSchema]);
export type AreaGeometry = z.infer<typeof AreaGeometrySchema>;

/** A region's boundary as a GeoJSON feature; properties carry the region itself. */
export const RegionFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: IdSchema.optional(),
  properties: RegionSchema,
  geometry: AreaGeometrySchema,
});
export type RegionFeature = z.infer<typeof RegionFeatureSchema>;

export const RegionCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(RegionFeatureSchema),
});
export type RegionCollection = z.infer<typeof RegionCollectionSchema>;

export const GridWorkerSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  /** The grids the worker walks; most walk one, some a few. */
  gridIds: z.array(IdSchema).min(1),
  phone: z.string().regex(/^1\d{10}$/, 'a mobile number of 11 digits starting with 1'),
  /** Where the worker usually is: the grid's service station. */
  position: LngLatSchema,
});
export type GridWorker = z.infer<typeof GridWorkerSchema>;
