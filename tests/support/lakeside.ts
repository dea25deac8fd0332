// The test city 湖滨市 (tests/cities/README.md): its WGS84 truth, and copies of its package to
// break one thing at a time.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import gcoord from 'gcoord';

export const LAKESIDE_DIR = 'tests/cities/lakeside';

type LngLat = [number, number];

export interface LakesideTruth {
  bbox: [number, number, number, number];
  regions: { id: string; level: string; parentId: string | null; name: string; bbox: number[] }[];
  grids: {
    id: string;
    parentId: string;
    name: string;
    label: LngLat;
    bbox: [number, number, number, number];
  }[];
  cameras: { id: string; name: string; position: LngLat; gridId: string }[];
  gridWorkers: { id: string; gridIds: string[]; position: LngLat }[];
  incident: {
    wgs84: LngLat;
    gcj02: LngLat;
    gridId: string;
    cameras: string[];
    notSeeing: string[];
  };
}

export const truth = JSON.parse(
  readFileSync('tests/cities/lakeside.truth.json', 'utf8'),
) as LakesideTruth;

/** A fresh copy of the package in a temp folder. */
export function copyLakeside(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lakeside-'));
  cpSync(LAKESIDE_DIR, dir, { recursive: true });
  return dir;
}

/** A package file's text; cameras.csv is GBK, the rest UTF-8. */
export function readPackageText(dir: string, file: string): string {
  const bytes = readFileSync(join(dir, file));
  return new TextDecoder(file === 'cameras.csv' ? 'gbk' : 'utf-8').decode(bytes);
}

/** Writes a package file back, as UTF-8 (the loader reads both). */
export function writePackageText(dir: string, file: string, text: string): void {
  writeFileSync(join(dir, file), text, 'utf8');
}

/** Edits a CSV file's lines (CRLF kept as the file has it); lines[0] is the header. */
export function editCsv(dir: string, file: string, edit: (lines: string[]) => string[]): void {
  const text = readPackageText(dir, file);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(eol).filter((l) => l !== '');
  writePackageText(dir, file, edit(lines).join(eol) + eol);
}

interface RegionFeatureJson {
  type: 'Feature';
  properties: { id: string; parentId: string | null; [k: string]: unknown };
  geometry: { type: 'Polygon'; coordinates: LngLat[][] };
}

/** Edits regions.geojson's features (in the file's own GCJ-02). */
export function editRegions(
  dir: string,
  edit: (features: RegionFeatureJson[]) => RegionFeatureJson[] | void,
): void {
  const json = JSON.parse(readPackageText(dir, 'regions.geojson')) as {
    features: RegionFeatureJson[];
  };
  json.features = edit(json.features) ?? json.features;
  writePackageText(dir, 'regions.geojson', JSON.stringify(json, null, 2));
}

/** WGS84 to GCJ-02 to 7 decimals, as tests/cities/make-lakeside.ts writes the package. */
export function toGcj02([lng, lat]: LngLat): LngLat {
  const [x, y] = gcoord.transform([lng, lat], gcoord.WGS84, gcoord.GCJ02) as LngLat;
  return [Math.round(x * 1e7) / 1e7, Math.round(y * 1e7) / 1e7];
}

/** A WGS84 rectangle as a closed GCJ-02 ring, anticlockwise. */
export function rectangleGcj02(w: number, s: number, e: number, n: number): LngLat[] {
  return (
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ] as LngLat[]
  ).map(toGcj02);
}

/** Great-circle distance in metres (a plain haversine, independent of shared/geo). */
export function haversineMetres([lng1, lat1]: LngLat, [lng2, lat2]: LngLat): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
}
