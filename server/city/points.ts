import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AreaIndex } from '../../shared/index.js';
import {
  pointInArea,
  type Camera,
  type Department,
  type GridWorker,
  type KeyPlace,
  type AreaGeometry,
  type LngLat,
  type Patrol,
  type Region,
  type RegionFeature,
} from '../../shared/index.js';
import type { z } from 'zod';
import { CRS_LABELS, CRS_NAMES, convertArea, inChina, toWgs84, type Crs } from './crs.js';
import { labelPoint } from './label-point.js';
import { describeOrigin, type ProblemList, type RecordOrigin } from './problems.js';
import { fileCrs, readArea, type DeclaredCrs } from './regions.js';
import { csvRecords, jsonRecords, readJson, readText, type RawRecord } from './read.js';
import {
  CAMERA_COLUMNS,
  CameraRecordSchema,
  DEPARTMENT_COLUMNS,
  DepartmentRecordSchema,
  GRID_WORKER_COLUMNS,
  GridWorkerRecordSchema,
  KeyPlaceRecordSchema,
  PatrolRecordSchema,
  withPosition,
} from './records.js';
import { validate } from './validate.js';

/** What the point files are checked against: the region tree, already in WGS84. */
export interface CityFrame {
  regions: Map<string, Region>;
  grids: AreaIndex<RegionFeature>;
  gridsById: Map<string, RegionFeature>;
  city: RegionFeature | undefined;
  /** city.json's system for a file that does not declare its own. */
  crsOf(file: string): DeclaredCrs;
  /** Regions reported as unreadable: what names them or lies in them is not reported again. */
  rejected: { ids: ReadonlySet<string>; contains(p: LngLat): boolean };
}

interface Source {
  file: string;
  records: RawRecord[];
  crs: Crs;
}

/** The one file of a kind a package holds (e.g. cameras.geojson or cameras.csv), read. */
function readSource(
  dir: string,
  base: string,
  extensions: readonly string[],
  columns: Record<string, string> | undefined,
  frame: CityFrame,
  problems: ProblemList,
  required: boolean,
): Source | undefined {
  const present = extensions
    .map((e) => `${base}.${e}`)
    .filter((f) => existsSync(join(dir, f)) && statSync(join(dir, f)).isFile());
  if (!present.length) {
    if (required)
      problems.error(
        `${base}.${extensions[0]}`,
        `is missing (or ${extensions
          .slice(1)
          .map((e) => `${base}.${e}`)
          .join(', ')})`,
      );
    return undefined;
  }
  if (present.length > 1)
    problems.error(present[1]!, `give one of ${present.join(' and ')}, not both`);
  const file = present[0]!;
  const source = readRecords(dir, file, base, columns, frame, problems);
  if (required && !source.records.length)
    problems.warn(file, 'holds no records: the city has none of them');
  return source;
}

function readRecords(
  dir: string,
  file: string,
  base: string,
  columns: Record<string, string> | undefined,
  frame: CityFrame,
  problems: ProblemList,
): Source {
  if (file.endsWith('.csv')) {
    const records = csvRecords(readText(join(dir, file)), file, columns ?? {}, problems);
    return {
      file,
      records: records.map((r) => ({ ...r, fields: withPosition(r.fields) })),
      crs: frame.crsOf(file).crs,
    };
  }
  const json = readJson(join(dir, file), file, problems);
  if (json === undefined) return { file, records: [], crs: frame.crsOf(file).crs };
  const crs = fileCrs(json, file, frame.crsOf(file), problems);
  const records = jsonRecords(json, file, problems).map((r) => {
    // A GeoJSON point feature gives its position as its geometry.
    const geometry = r.fields.geometry as { type?: string; coordinates?: unknown } | undefined;
    if (geometry?.type !== 'Point' || base === 'key-places') return r;
    const { geometry: _g, ...rest } = r.fields;
    return { ...r, fields: { ...rest, position: geometry.coordinates } };
  });
  return { file, records, crs };
}

function uniqueIds<E extends { item: { id: string }; origin: RecordOrigin }>(
  items: E[],
  problems: ProblemList,
): E[] {
  const seen = new Map<string, RecordOrigin>();
  return items.filter(({ item, origin }) => {
    const earlier = seen.get(item.id);
    if (earlier) {
      problems.error(origin, `duplicate of ${describeOrigin(earlier, origin.file)}`, item.id, 'id');
      return false;
    }
    seen.set(item.id, origin);
    return true;
  });
}

/** The position as a record gives it, checked for the mistakes people make with coordinates. */
function plausible(
  raw: LngLat,
  origin: RecordOrigin,
  id: string,
  frame: CityFrame,
  problems: ProblemList,
): boolean {
  if (inChina(raw)) return true;
  const swapped: LngLat = [raw[1], raw[0]];
  problems.error(
    origin,
    `${raw[0]},${raw[1]} is outside China${inChina(swapped) || (frame.city && pointInArea(swapped, frame.city.geometry)) ? ': longitude and latitude swapped?' : ''}`,
    id,
    'position',
  );
  return false;
}

interface Placed<T> {
  item: T;
  origin: RecordOrigin;
  /** As the file gives it, before conversion: for telling a mislabelled system. */
  raw: LngLat;
  /** The grid the record names, if it names one. */
  namedGrid?: string;
}

/**
 * Names a point file written in another system than it declares. Only records that name their
 * grid can tell: read in each system, the share of them falling in their own grid. A wrong
 * label shows as a few percent as declared against nearly all in another system.
 */
function checkSystem(
  file: string,
  declared: Crs,
  placed: Placed<unknown>[],
  frame: CityFrame,
  problems: ProblemList,
): boolean {
  const named = placed.filter((p) => p.namedGrid && frame.gridsById.has(p.namedGrid));
  if (named.length < 3) return false;
  const share = (crs: Crs) => {
    const convert = toWgs84(crs);
    const hits = named.filter((p) =>
      pointInArea(convert(p.raw), frame.gridsById.get(p.namedGrid!)!.geometry),
    );
    return hits.length / named.length;
  };
  const asDeclared = share(declared);
  if (asDeclared >= 0.5) return false;
  const others = CRS_NAMES.filter(
    (c) => c !== declared && c !== 'cgcs2000' && !(declared === 'cgcs2000' && c === 'wgs84'),
  );
  const [best, bestShare] = others
    .map((c) => [c, share(c)] as const)
    .reduce((a, b) => (b[1] > a[1] ? b : a));
  if (bestShare < 0.8) return false;
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  problems.error(
    file,
    `the points read as ${CRS_LABELS[best]}, not ${CRS_LABELS[declared]} as declared: of the ${named.length} records naming their grid, ${pct(bestShare)} fall in it read as ${best}, ${pct(asDeclared)} as ${declared} (set "crs": "${best}" for this file; the records' own position problems are not listed)`,
    undefined,
    'crs',
  );
  return true;
}

export function readCameras(dir: string, frame: CityFrame, problems: ProblemList): Camera[] {
  const source = readSource(
    dir,
    'cameras',
    ['geojson', 'csv', 'json'],
    CAMERA_COLUMNS,
    frame,
    problems,
    true,
  );
  if (!source) return [];
  const convert = toWgs84(source.crs);
  const placed: Placed<ReturnType<typeof CameraRecordSchema.parse>>[] = [];
  for (const record of source.records) {
    const item = validate(CameraRecordSchema, record, problems);
    if (!item) continue;
    placed.push({
      item,
      origin: record.origin,
      raw: item.position as LngLat,
      namedGrid: item.regionId,
    });
  }
  const shifted = checkSystem(source.file, source.crs, placed, frame, problems);
  const cameras: Camera[] = [];
  for (const { item, origin, raw } of uniqueIds(placed, problems)) {
    if (!plausible(raw, origin, item.id, frame, problems)) continue;
    const position = convert(raw);
    const grid = frame.grids.find(position);
    if (!grid) {
      if (!shifted && !frame.rejected.contains(position))
        problems.error(
          origin,
          `${position[0]},${position[1]} is outside every grid of the city`,
          item.id,
          'position',
        );
      continue;
    }
    let regionId = grid.properties.id;
    if (item.regionId !== undefined) {
      const named = frame.regions.get(item.regionId);
      if (!named) {
        problems.error(origin, `no region "${item.regionId}"`, item.id, 'regionId');
        continue;
      }
      if (named.level !== 'grid') {
        problems.error(
          origin,
          `"${item.regionId}" is a ${named.level}, not a grid`,
          item.id,
          'regionId',
        );
        continue;
      }
      // A camera on the road between two grids is often filed under either: the package's word
      // is kept, and the disagreement said.
      if (!shifted && regionId !== item.regionId)
        problems.warn(
          origin,
          `names grid ${item.regionId}, but its position lies in grid ${regionId}; ${item.regionId} is kept`,
          item.id,
          'regionId',
        );
      regionId = item.regionId;
    }
    const hasBearing = item.bearing !== undefined;
    cameras.push({
      id: item.id,
      name: item.name,
      position,
      bearing: item.bearing ?? 0,
      fov: item.fov ?? (hasBearing ? 90 : 360),
      range: item.range ?? 100,
      regionId,
      kind: item.kind,
      site: item.site,
      status: 'online',
    });
  }
  return cameras;
}

export function readDepartments(
  dir: string,
  frame: CityFrame,
  problems: ProblemList,
): Department[] {
  const source = readSource(
    dir,
    'departments',
    ['json', 'csv'],
    DEPARTMENT_COLUMNS,
    frame,
    problems,
    true,
  );
  if (!source) return [];
  const items = source.records.flatMap((record) => {
    const item = validate(DepartmentRecordSchema, record, problems);
    return item ? [{ item, origin: record.origin }] : [];
  });
  return uniqueIds(items, problems).flatMap(({ item, origin }) => {
    if (item.streetId !== undefined) {
      const street = frame.regions.get(item.streetId);
      if (street?.level !== 'street') {
        problems.error(
          origin,
          street
            ? `"${item.streetId}" is a ${street.level}, not a street`
            : `no street "${item.streetId}"`,
          item.id,
          'streetId',
        );
        return [];
      }
    }
    if (item.regionId !== undefined) {
      const region = frame.regions.get(item.regionId);
      if (!region || region.level === 'grid' || region.level === 'city') {
        problems.error(
          origin,
          region
            ? `"${item.regionId}" is a ${region.level}: a department serves a district, street or community`
            : `no region "${item.regionId}"`,
          item.id,
          'regionId',
        );
        return [];
      }
    }
    const department: Department = { id: item.id, name: item.name, kind: item.kind };
    if (item.regionId !== undefined) department.regionId = item.regionId;
    if (item.phone !== undefined) department.phone = item.phone;
    if (item.streetId !== undefined) department.streetId = item.streetId;
    return [department];
  });
}

export function readGridWorkers(
  dir: string,
  frame: CityFrame,
  problems: ProblemList,
): GridWorker[] {
  const source = readSource(
    dir,
    'grid-workers',
    ['json', 'csv'],
    GRID_WORKER_COLUMNS,
    frame,
    problems,
    true,
  );
  if (!source) return [];
  const convert = toWgs84(source.crs);
  const items = source.records.flatMap((record) => {
    const item = validate(GridWorkerRecordSchema, record, problems);
    return item ? [{ item, origin: record.origin }] : [];
  });
  const unique = uniqueIds(items, problems);
  const placed = unique.flatMap(({ item, origin }) =>
    item.position
      ? [{ item, origin, raw: item.position as LngLat, namedGrid: item.gridIds[0] }]
      : [],
  );
  const shifted = checkSystem(source.file, source.crs, placed, frame, problems);
  return unique.flatMap(({ item, origin }) => {
    const missing = item.gridIds.filter((g) => !frame.gridsById.has(g));
    if (missing.some((g) => frame.rejected.ids.has(g))) return [];
    if (missing.length) {
      problems.error(
        origin,
        `no grid ${missing.map((g) => `"${g}"`).join(', ')}`,
        item.id,
        'gridIds',
      );
      return [];
    }
    let position = frame.regions.get(item.gridIds[0]!)!.center;
    if (item.position) {
      if (!plausible(item.position as LngLat, origin, item.id, frame, problems)) return [];
      position = convert(item.position as LngLat);
      if (!shifted && frame.city && !pointInArea(position, frame.city.geometry)) {
        problems.error(
          origin,
          `${position[0]},${position[1]} is outside the city`,
          item.id,
          'position',
        );
        return [];
      }
    }
    return [{ id: item.id, name: item.name, gridIds: item.gridIds, phone: item.phone, position }];
  });
}

export function readPatrols(dir: string, frame: CityFrame, problems: ProblemList): Patrol[] {
  const source = readSource(dir, 'patrols', ['json'], undefined, frame, problems, false);
  if (!source) return [];
  const convert = toWgs84(source.crs);
  const items = source.records.flatMap((record) => {
    const item = validate(PatrolRecordSchema, record, problems);
    return item ? [{ item, origin: record.origin }] : [];
  });
  return uniqueIds(items, problems).flatMap(({ item, origin }) => {
    const region = frame.regions.get(item.regionId);
    if (!region) {
      problems.error(origin, `no region "${item.regionId}"`, item.id, 'regionId');
      return [];
    }
    if (region.level !== 'street' && region.level !== 'district') {
      problems.error(
        origin,
        `"${item.regionId}" is a ${region.level}: a patrol's beat is a street or a district`,
        item.id,
        'regionId',
      );
      return [];
    }
    const route = (item.route as LngLat[] | undefined)?.map(convert);
    const position = item.position
      ? convert(item.position as LngLat)
      : (route?.[0] ?? region.center);
    const astray = [position, ...(route ?? [])].find(
      (p) => frame.city && !pointInArea(p, frame.city.geometry),
    );
    if (astray) {
      problems.error(
        origin,
        `${astray[0]},${astray[1]} is outside the city`,
        item.id,
        item.route ? 'route' : 'position',
      );
      return [];
    }
    return [
      {
        id: item.id,
        name: item.name,
        kind: item.kind,
        members: item.members,
        regionId: item.regionId,
        position,
        heading: 0,
        status: 'patrolling' as const,
        route: route ?? [position, position],
      },
    ];
  });
}

export function readKeyPlaces(dir: string, frame: CityFrame, problems: ProblemList): KeyPlace[] {
  const source = readSource(dir, 'key-places', ['geojson'], undefined, frame, problems, false);
  if (!source) return [];
  const convert = toWgs84(source.crs);
  type Item = z.output<typeof KeyPlaceRecordSchema>;
  type Entry = { item: Item; origin: RecordOrigin; raw: LngLat; area: AreaGeometry | null };
  const items = source.records.flatMap((record): Entry[] => {
    const item = validate(KeyPlaceRecordSchema, record, problems);
    if (!item) return [];
    const geometry = record.fields.geometry as { type?: string; coordinates?: unknown } | undefined;
    if (geometry?.type === 'Point') {
      const point = geometry.coordinates;
      if (!Array.isArray(point) || point.length < 2 || !point.every((x) => typeof x === 'number')) {
        problems.error(record.origin, 'a Point needs [lng, lat]', item.id, 'geometry');
        return [];
      }
      return [{ item, origin: record.origin, raw: point as LngLat, area: null }];
    }
    const area = readArea(record, problems);
    if (!area) return [];
    return [{ item, origin: record.origin, raw: labelPoint(area), area }];
  });
  return uniqueIds(items, problems).flatMap(({ item, origin, raw, area }) => {
    if (!plausible(raw, origin, item.id, frame, problems)) return [];
    const position = area ? labelPoint(convertArea(area, convert)) : convert(raw);
    const grid = frame.grids.find(position);
    if (!grid) {
      if (!frame.rejected.contains(position))
        problems.error(
          origin,
          `${position[0]},${position[1]} is outside every grid of the city`,
          item.id,
          'geometry',
        );
      return [];
    }
    return [
      {
        id: item.id,
        name: item.name,
        kind: item.kind,
        level: item.level,
        position,
        area: area ? convertArea(area, convert) : null,
        gridId: grid.properties.id,
      },
    ];
  });
}
