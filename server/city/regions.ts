import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  MultiPolygonSchema,
  PolygonSchema,
  REGION_LEVELS,
  type AreaGeometry,
  type LngLat,
  type RegionFeature,
  type RegionLevel,
} from '../../shared/index.js';
import { convertArea, parseCrs, toWgs84, type Crs } from './crs.js';
import { labelPoint } from './label-point.js';
import { describeOrigin, type ProblemList, type RecordOrigin } from './problems.js';
import { jsonRecords, readJson, type RawRecord } from './read.js';
import { RegionRecordSchema } from './records.js';
import { validate } from './validate.js';

export interface PackageRegions {
  features: RegionFeature[];
  origins: Map<string, RecordOrigin>;
  /** Features whose parent exists and is one level up: the tree the geometry check walks. */
  tree: RegionFeature[];
  /**
   * Regions in the files that could not be read, already reported: what lies in them or under
   * them is not reported again as orphaned or outside the city.
   */
  rejected: { ids: Set<string>; parents: Set<string>; areas: AreaGeometry[] };
}

/** The files regions come from: regions.geojson, or every .geojson in regions/. */
export function regionFiles(dir: string): string[] {
  const files: string[] = [];
  if (existsSync(join(dir, 'regions.geojson'))) files.push('regions.geojson');
  if (existsSync(join(dir, 'regions'))) {
    for (const name of readdirSync(join(dir, 'regions')).sort()) {
      if (name.endsWith('.geojson')) files.push(`regions/${name}`);
    }
  }
  return files;
}

/** Reads, converts and checks the region tree (not its geometry: geometry-check.ts does). */
export function readRegions(
  dir: string,
  crsOf: (file: string) => DeclaredCrs,
  problems: ProblemList,
): PackageRegions {
  const files = regionFiles(dir);
  if (!files.length) problems.error('regions.geojson', 'is missing (or regions/*.geojson)');
  const features: RegionFeature[] = [];
  const origins = new Map<string, RecordOrigin>();
  const rejected: PackageRegions['rejected'] = { ids: new Set(), parents: new Set(), areas: [] };
  for (const file of files) {
    const json = readJson(join(dir, file), file, problems);
    if (json === undefined) continue;
    const crs = fileCrs(json, file, crsOf(file), problems);
    const convert = toWgs84(crs);
    for (const record of jsonRecords(json, file, problems)) {
      const props = validate(RegionRecordSchema, record, problems);
      const area = readArea(record, problems);
      if (!props || !area) {
        const { id, parentId } = record.fields;
        if (typeof id === 'string') rejected.ids.add(id);
        if (typeof parentId === 'string') rejected.parents.add(parentId);
        if (area) rejected.areas.push(convertArea(area, convert));
        continue;
      }
      const earlier = origins.get(props.id);
      if (earlier) {
        problems.error(
          record.origin,
          `duplicate of ${describeOrigin(earlier, file)}`,
          props.id,
          'id',
        );
        continue;
      }
      origins.set(props.id, record.origin);
      const geometry = convertArea(area, convert);
      const center = props.center ? convert(props.center as LngLat) : labelPoint(geometry);
      const { center: _center, ...rest } = props;
      features.push({
        type: 'Feature',
        id: props.id,
        properties: { ...rest, center },
        geometry,
      });
    }
  }
  return {
    features,
    origins,
    tree: checkTree(features, origins, files[0] ?? 'regions.geojson', rejected, problems),
    rejected,
  };
}

/** The system city.json gives a file: its own entry under "files", else the package's. */
export interface DeclaredCrs {
  crs: Crs;
  /** Whether city.json names this file under "files". */
  explicit: boolean;
}

/**
 * The system a GeoJSON file is read in. city.json's entry for the file wins: QGIS labels every
 * export CRS84, data from 高德 included, as it has no GCJ-02. A file's own label that disagrees
 * with the package's system, with no entry to settle it, is an error: which one is right?
 */
export function fileCrs(
  json: unknown,
  file: string,
  declared: DeclaredCrs,
  problems: ProblemList,
): Crs {
  const own = (json as { crs?: unknown } | null)?.crs;
  if (own === undefined || declared.explicit) return declared.crs;
  const crs = parseCrs(own);
  if (!crs)
    problems.error(
      file,
      `${JSON.stringify(own)} is not a coordinate system this server reads (wgs84, cgcs2000, gcj02, bd09, EPSG:4326, EPSG:4490, CRS84)`,
      undefined,
      'crs',
    );
  else if (crs !== declared.crs && !(isWgs84Like(crs) && isWgs84Like(declared.crs)))
    problems.error(
      file,
      `the file says ${crs}, city.json says ${declared.crs}: name the right one in city.json, "files": { "${file}": { "crs": … } } (QGIS labels every export CRS84, 高德 data included)`,
      undefined,
      'crs',
    );
  return declared.crs;
}

function isWgs84Like(crs: Crs): boolean {
  return crs === 'wgs84' || crs === 'cgcs2000';
}

/** A region's or key place's outline: a Polygon or a MultiPolygon of closed rings. */
export function readArea(record: RawRecord, problems: ProblemList): AreaGeometry | undefined {
  const geometry = record.fields.geometry as { type?: unknown } | null | undefined;
  const id = typeof record.fields.id === 'string' ? record.fields.id : undefined;
  if (!geometry || typeof geometry !== 'object') {
    problems.error(record.origin, 'is missing', id, 'geometry');
    return undefined;
  }
  const schema =
    geometry.type === 'Polygon'
      ? PolygonSchema
      : geometry.type === 'MultiPolygon'
        ? MultiPolygonSchema
        : undefined;
  if (!schema) {
    problems.error(
      record.origin,
      `expected a Polygon or MultiPolygon, got ${JSON.stringify(geometry.type)}`,
      id,
      'geometry',
    );
    return undefined;
  }
  const parsed = schema.safeParse(geometry);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    problems.error(record.origin, `${issue.path.join('.')}: ${issue.message}`, id, 'geometry');
    return undefined;
  }
  for (const ring of rings(parsed.data)) {
    const [a, b] = [ring[0]!, ring[ring.length - 1]!];
    if (a[0] !== b[0] || a[1] !== b[1]) {
      problems.error(
        record.origin,
        'a ring is not closed (its last point must repeat its first)',
        id,
        'geometry',
      );
      return undefined;
    }
  }
  return parsed.data;
}

function rings(area: AreaGeometry): LngLat[][] {
  return area.type === 'Polygon' ? area.coordinates : area.coordinates.flat();
}

/** Exactly one city; every other region's parent exists and is one level up. */
function checkTree(
  features: RegionFeature[],
  origins: Map<string, RecordOrigin>,
  firstFile: string,
  rejected: PackageRegions['rejected'],
  problems: ProblemList,
): RegionFeature[] {
  const byId = new Map(features.map((f) => [f.properties.id, f]));
  const cities = features.filter((f) => f.properties.level === 'city');
  if (!cities.length)
    problems.error(firstFile, 'has no region of level city (the root of the tree)');
  for (const extra of cities.slice(1)) {
    const first = cities[0]!.properties.id;
    problems.error(
      origins.get(extra.properties.id)!,
      `a second city (the first is ${first})`,
      extra.properties.id,
      'level',
    );
  }
  const tree: RegionFeature[] = [];
  for (const f of features) {
    const { id, level, parentId } = f.properties;
    const origin = origins.get(id)!;
    if (level === 'city') {
      if (parentId !== null)
        problems.error(origin, 'the city has no parent: use null', id, 'parentId');
      else if (f === cities[0]) tree.push(f);
      continue;
    }
    const want = REGION_LEVELS[REGION_LEVELS.indexOf(level) - 1] as RegionLevel;
    if (parentId === null) {
      problems.error(origin, `a ${level} needs a parent ${want}`, id, 'parentId');
      continue;
    }
    const parent = byId.get(parentId);
    if (!parent) {
      // A parent that is in the files but could not be read was reported already.
      if (rejected.ids.has(parentId)) rejected.ids.add(id);
      else problems.error(origin, `no region "${parentId}"`, id, 'parentId');
      continue;
    }
    if (parent.properties.level !== want) {
      problems.error(
        origin,
        `"${parentId}" is a ${parent.properties.level}; a ${level}'s parent must be a ${want}`,
        id,
        'parentId',
      );
      continue;
    }
    tree.push(f);
  }
  // A region above the grids with nothing under it is a hole in the 一张网: no grid to find for a
  // report there. Said, not refused: a package may be loaded a level at a time.
  const parents = new Set(tree.map((f) => f.properties.parentId));
  for (const f of tree) {
    const { id, level } = f.properties;
    if (level !== 'grid' && !parents.has(id)) {
      const child = REGION_LEVELS[REGION_LEVELS.indexOf(level) + 1]!;
      problems.warn(origins.get(id)!, `has no ${child} under it: reports there find no grid`, id);
    }
  }
  return tree;
}
