// What real GIS exports bring that the hand-made test city does not: QGIS's nulls, a height as
// a third coordinate, its CRS84 label on data traced from 高德, and mistakes that must not
// hide behind one another.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  copyLakeside,
  editCsv,
  editRegions,
  haversineMetres,
  truth,
} from '../../tests/support/lakeside.js';
import { checkCity, formatProblem } from './index.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const copy = () => {
  const dir = copyLakeside();
  temps.push(dir);
  return dir;
};
const errors = (dir: string) =>
  checkCity(dir)
    .problems.filter((p) => p.severity === 'error')
    .map(formatProblem);
const editJson = (dir: string, file: string, edit: (json: any) => void) => {
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  edit(json);
  writeFileSync(join(dir, file), JSON.stringify(json));
};

describe('a city package as GIS tools write it', () => {
  it('reads null and empty attributes as absent, and a height as nothing', () => {
    const dir = copy();
    editRegions(dir, (features) => {
      for (const f of features) {
        Object.assign(f.properties, { code: null, population: null, center: null, note: '' });
        f.geometry.coordinates = f.geometry.coordinates.map((ring) =>
          ring.map(([x, y]) => [x, y, 12.5] as unknown as [number, number]),
        );
      }
    });
    editJson(dir, 'departments.json', (list) => {
      for (const d of list) Object.assign(d, { phone: null, streetId: d.streetId ?? null });
    });
    const check = checkCity(dir);
    expect(check.problems.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([]);
    const grid = check.city!.regions.features.find((f) => f.properties.id === 'hb-d1-s1-c1-g2')!;
    expect(grid.geometry.coordinates[0]![0]).toHaveLength(2);
    expect(check.city!.departments.every((d) => d.phone === undefined)).toBe(true);
  });

  it("asks which system is right when QGIS's CRS84 label meets a GCJ-02 package", () => {
    const dir = copy();
    editJson(dir, 'regions.geojson', (json) => {
      json.crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } };
    });
    expect(errors(dir)).toEqual([
      'regions.geojson: crs: the file says wgs84, city.json says gcj02: name the right one in city.json, "files": { "regions.geojson": { "crs": … } } (QGIS labels every export CRS84, 高德 data included)',
    ]);
    // Settled in city.json: its word wins over the label, and the regions land on their truth.
    editJson(dir, 'city.json', (json) => {
      json.files = { 'regions.geojson': { crs: 'gcj02' } };
    });
    const check = checkCity(dir);
    expect(check.problems.map(formatProblem)).toEqual([]);
    const grid = check.city!.regions.features.find((f) => f.properties.id === 'hb-d1-s1-c1-g2')!;
    const label = truth.grids.find((g) => g.id === 'hb-d1-s1-c1-g2')!.label;
    expect(haversineMetres(grid.properties.center, label)).toBeLessThan(1);
  });

  it('warns of a setting for a file the package does not have', () => {
    const dir = copy();
    editJson(dir, 'city.json', (json) => {
      json.files = { 'camera.csv': { crs: 'bd09' } };
    });
    expect(checkCity(dir).problems.map(formatProblem)).toEqual([
      'city.json: files: warning: names "camera.csv", which is not in the package',
    ]);
  });

  it('refuses a camera outside the city even when it names its grid', () => {
    const dir = copy();
    editCsv(dir, 'cameras.csv', (lines) => {
      lines[0] += ',所属网格';
      lines[1] = lines[1]!.replace(/113\.\d+,22\.\d+/, '113.9,22.7') + ',hb-d1-s1-c1-g2';
      for (let i = 2; i < lines.length; i++) lines[i] += ',';
      return lines;
    });
    // 113.9,22.7 in GCJ-02 is a few hundred metres off in WGS84: whatever it converts to, it is
    // 30 km east of the city.
    const [line, ...rest] = errors(dir);
    expect(rest).toEqual([]);
    expect(line).toMatch(
      /^cameras\.csv:2: 44030000001320000001: position: 113\.89\d+,22\.70\d+ is outside every grid of the city$/,
    );
  });

  it('says a broken region once, not again for each thing under or in it', () => {
    const dir = copy();
    editRegions(dir, (features) => {
      features.find((f) => f.properties.id === 'hb-d1-s1-c1')!.properties.population = -1;
    });
    expect(errors(dir)).toEqual([
      'regions.geojson:features[3]: hb-d1-s1-c1: population: Too small: expected number to be >=0',
    ]);
  });

  it('splits grid ids at full-width separators typed on a Chinese keyboard', () => {
    const dir = copy();
    editCsv(dir, 'grid-workers.csv', (lines) => lines.map((l) => l.replaceAll(';', '；')));
    expect(errors(dir)).toEqual([]);
  });
});
