// The city package (docs/CITY.md) through the checker, the CLI and the server's start, on the
// test city 湖滨市 (tests/cities/): the valid package loads where its truth says, and each
// broken copy fails with exactly the line a clerk would read. Expected lines are written out by
// hand: areas are the cells' sizes (0.01° × 0.0045° is 1,028 m × 500 m at 22.5°N).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchLogs } from '../../server/log.js';
import { CityPackageError, checkCity, formatProblem, loadCity } from '../../server/city/index.js';
import {
  copyLakeside,
  editCsv,
  editRegions,
  haversineMetres,
  LAKESIDE_DIR,
  rectangleGcj02,
  truth,
} from '../support/lakeside.js';
import { api, login, postReport, startTestServer } from '../support/server.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of lakeside to break, removed after the test. */
function brokenCopy(): string {
  const dir = copyLakeside();
  temps.push(dir);
  return dir;
}

function problemLines(dir: string): string[] {
  return checkCity(dir).problems.map(formatProblem);
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npx tsx server/cli/city-check.ts <dir>`, as a clerk runs it. */
function runChecker(dir: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'server/cli/city-check.ts', dir],
      { timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

/**
 * The real server's main on a package: it should refuse to start and exit. Killed (code null)
 * if it starts listening instead, or hangs.
 */
function runServer(cityDir: string): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-city-'));
  temps.push(dataDir);
  return new Promise((resolve) => {
    const proc = spawn('npx', ['tsx', 'server/main.ts'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DEMO: 'true',
        CITY_DIR: cityDir,
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DEMO_ORIGIN_PORT: '0',
        SIMULATE: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('listening')) proc.kill('SIGKILL');
    });
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const sorted = (lines: string[]) => [...lines].sort();

/**
 * The package fails with exactly `lines` (in any order): from checkCity, from loadCity's
 * CityPackageError, and from the CLI, which exits 1.
 */
async function expectRefused(dir: string, lines: string[]): Promise<void> {
  expect(sorted(problemLines(dir))).toEqual(sorted(lines));

  let error: unknown;
  try {
    loadCity(dir);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(CityPackageError);
  const message = (error as Error).message;
  expect(message).toContain(
    `has ${lines.length} error${lines.length === 1 ? '' : 's'} (check it with npm run city:check -- ${dir})`,
  );
  for (const line of lines) expect(message.split('\n')).toContain(line);

  const cli = await runChecker(dir);
  expect(cli.code, cli.stderr).toBe(1);
  const out = cli.stdout.split('\n');
  for (const line of lines) expect(out).toContain(line);
  expect(cli.stdout).toContain(
    `${dir}: ${lines.length} error${lines.length === 1 ? '' : 's'}, 0 warnings`,
  );
}

/** Replaces a grid's outline with a WGS84 rectangle, written in the file's GCJ-02. */
function redrawGrid(dir: string, id: string, [w, s, e, n]: [number, number, number, number]) {
  editRegions(dir, (features) => {
    features.find((f) => f.properties.id === id)!.geometry.coordinates = [
      rectangleGcj02(w, s, e, n),
    ];
  });
}

/** Camera rows by code: cameras.csv line 2 is 44030000001320000001, and so on. */
const cameraLine = (n: number) => n + 1;

describe('the lakeside city package', { timeout: 90_000 }, () => {
  it('is valid: no problems at all', () => {
    expect(problemLines(LAKESIDE_DIR)).toEqual([]);
  });

  it('puts its GCJ-02 cameras and grid workers within 1 m of their WGS84 truth', () => {
    const { city } = loadCity(LAKESIDE_DIR);
    expect(city.cameras.map((c) => c.id).sort()).toEqual(truth.cameras.map((c) => c.id).sort());
    for (const want of truth.cameras) {
      const camera = city.cameras.find((c) => c.id === want.id)!;
      expect(haversineMetres(camera.position, want.position), want.id).toBeLessThan(1);
      expect(camera.regionId, want.id).toBe(want.gridId);
    }
    expect(city.gridWorkers).toHaveLength(truth.gridWorkers.length);
    for (const want of truth.gridWorkers) {
      const worker = city.gridWorkers.find((w) => w.id === want.id)!;
      expect(haversineMetres(worker.position, want.position), want.id).toBeLessThan(1);
    }
  });

  it("has every grid's truth label point inside that grid, and its label there", () => {
    const { city } = loadCity(LAKESIDE_DIR);
    const grids = city.regions.features.filter((f) => f.properties.level === 'grid');
    expect(grids.map((g) => g.properties.id).sort()).toEqual(truth.grids.map((g) => g.id).sort());
    for (const want of truth.grids) {
      const grid = grids.find((g) => g.properties.id === want.id)!;
      expect(grid.geometry.type).toBe('Polygon');
      const rings = grid.geometry.coordinates as [number, number][][];
      expect(insideRings(want.label, rings), want.id).toBe(true);
      // And in no other grid: the grids tile the city.
      const others = grids.filter(
        (g) =>
          g !== grid && insideRings(want.label, g.geometry.coordinates as [number, number][][]),
      );
      expect(others.map((g) => g.properties.id)).toEqual([]);
      expect(haversineMetres(grid.properties.center, want.label), want.id).toBeLessThan(1);
    }
  });

  it('starts with a region removed that an incident still names, which keeps its names', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-city-'));
    temps.push(dataDir);
    const { wgs84, gridId } = truth.incident;
    expect(gridId).toBe('hb-d1-s1-c1-g2');

    const first = await startTestServer({ city: loadCity(LAKESIDE_DIR), dataDir });
    let incidentId: string;
    try {
      const res = await postReport(first.url, {
        source: 'grid-worker',
        externalId: `lakeside-removed-${process.pid}`,
        category: 'dispute',
        title: '渔港社区噪音纠纷',
        description: '夜间装修噪音',
        location: { lng: wgs84[0], lat: wgs84[1] },
        time: new Date().toISOString(),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      incidentId = res.body.incidentId;
    } finally {
      await first.stop();
    }

    // 渔港社区第2网格 merged into 第1网格: a valid package without hb-d1-s1-c1-g2.
    const dir = brokenCopy();
    editRegions(dir, (features) => features.filter((f) => f.properties.id !== gridId));
    redrawGrid(dir, 'hb-d1-s1-c1-g1', [113.58, 22.504, 113.59, 22.513]);
    editCsv(dir, 'grid-workers.csv', (lines) => lines.map((l) => l.replace(`;${gridId};`, ';')));
    expect(problemLines(dir)).toEqual([]);

    const said: string[] = [];
    const stopWatching = watchLogs((line) => said.push(line.msg));
    const second = await startTestServer({ city: loadCity(dir), dataDir });
    stopWatching();
    try {
      expect(said).toContain(
        'city package: region hb-d1-s1-c1-g2 is not in the package, but 1 incident on the live picture name it; they keep the names they were reported with',
      );
      const token = await login(second.url, 'leader');
      const { status, body } = await api(second.url, `/api/v1/incidents/${incidentId}`, {
        token,
      });
      expect(status).toBe(200);
      expect(body.incident.gridId).toBe(gridId);
      expect(body.incident.areaNames).toEqual({
        grid: '渔港社区第2网格',
        community: '渔港社区',
        street: '北岸街道',
        district: '湖滨区',
      });
    } finally {
      await second.stop();
    }
  });
});

describe('a broken lakeside package', { timeout: 120_000 }, () => {
  it('names a grid whose parent does not exist (and the hole it leaves), and the server refuses it', async () => {
    const dir = brokenCopy();
    editRegions(dir, (features) => {
      features.find((f) => f.properties.id === 'hb-d1-s1-c1-g2')!.properties.parentId =
        'hb-d1-s1-c9';
    });
    const lines = [
      'regions.geojson:features[5]: hb-d1-s1-c1-g2: parentId: no region "hb-d1-s1-c9"',
      // The grid is no longer the community's: its cell is a gap, 0.01° × 0.0045°.
      'regions.geojson:features[3]: hb-d1-s1-c1: geometry: 514,019 m² is covered by none of its grids (around 113.58500,22.50625)',
    ];
    await expectRefused(dir, lines);

    const server = await runServer(dir);
    expect(server.code, server.stdout + server.stderr).toBe(1);
    expect(server.stdout).not.toContain('listening');
    // The start-up check may indent a package's problems under its own line.
    const stderr = server.stderr.split('\n').map((l) => l.trim());
    for (const line of lines) expect(stderr).toContain(line);
  });

  it('names two sibling grids overlapping by 100 m', async () => {
    const dir = brokenCopy();
    // 第1网格's south edge, shared with 第2网格 at 22.5085, moved 0.0009° (100 m) south.
    redrawGrid(dir, 'hb-d1-s1-c1-g1', [113.58, 22.5076, 113.59, 22.513]);
    await expectRefused(dir, [
      'regions.geojson:features[4]: hb-d1-s1-c1-g1: geometry: overlaps hb-d1-s1-c1-g2 by 102,804 m² (around 113.58500,22.50805)',
    ]);
  });

  it('names a grid poking 100 m out of its community, and lets 2 m pass', async () => {
    const dir = brokenCopy();
    // 第1网格's east edge, the community's, moved 0.001° (103 m) east into 柳岸社区.
    redrawGrid(dir, 'hb-d1-s1-c1-g1', [113.58, 22.5085, 113.591, 22.513]);
    await expectRefused(dir, [
      'regions.geojson:features[4]: hb-d1-s1-c1-g1: geometry: 51,402 m² lies outside its community hb-d1-s1-c1 (around 113.59050,22.51075)',
    ]);

    // 0.00002° is 2 m: 1,028 m² but narrower than the 5 m tolerance, digitising noise.
    redrawGrid(dir, 'hb-d1-s1-c1-g1', [113.58, 22.5085, 113.59002, 22.513]);
    expect(problemLines(dir)).toEqual([]);
  });

  it('names a duplicate camera code (cameras.csv in GBK, rewritten as UTF-8)', async () => {
    const dir = brokenCopy();
    editCsv(dir, 'cameras.csv', (lines) => {
      lines[cameraLine(2) - 1] = lines[cameraLine(2) - 1]!.replace(
        '44030000001320000002',
        '44030000001320000001',
      );
      return lines;
    });
    await expectRefused(dir, ['cameras.csv:3: 44030000001320000001: id: duplicate of line 2']);
  });

  it('names a camera row with a non-numeric 经度 and one with a cell too many', async () => {
    const dir = brokenCopy();
    editCsv(dir, 'cameras.csv', (lines) => {
      lines[cameraLine(4) - 1] = lines[cameraLine(4) - 1]!.replace('113.5992587', '113.59x');
      // A comma inside a name that Excel would have quoted.
      lines[cameraLine(7) - 1] = lines[cameraLine(7) - 1]!.replace('柳岸花园东门', '柳岸花园,东门');
      return lines;
    });
    await expectRefused(dir, [
      'cameras.csv:5: 44030000001320000004: lng: expected a number, got "113.59x"',
      'cameras.csv:8: has 9 cells, the header has 8 (a comma inside a value needs quotes)',
    ]);
  });

  it('names grid-workers.csv written in WGS84 while city.json declares GCJ-02', async () => {
    const dir = brokenCopy();
    editCsv(dir, 'grid-workers.csv', (lines) =>
      lines.map((line, i) => {
        if (i === 0) return line;
        const cells = line.split(',');
        const worker = truth.gridWorkers.find((w) => w.id === cells[0])!;
        cells[4] = String(worker.position[0]);
        cells[5] = String(worker.position[1]);
        return cells.join(',');
      }),
    );
    // Read as GCJ-02 the positions move about 500 m west and 300 m north: only hb-gw-08's stays
    // in its first grid (1 of 8, 12.5 %).
    await expectRefused(dir, [
      'grid-workers.csv: crs: the points read as WGS84, not GCJ-02 (高德/腾讯) as declared: of the 8 records naming their grid, 100 % fall in it read as wgs84, 13 % as gcj02 (set "crs": "wgs84" for this file; the records\' own position problems are not listed)',
    ]);
  });

  it('names cameras with 所属网格 written in WGS84 while city.json declares GCJ-02', async () => {
    const dir = brokenCopy();
    editCsv(dir, 'cameras.csv', (lines) =>
      lines.map((line, i) => {
        if (i === 0) return `${line},所属网格`;
        const cells = line.split(',');
        const camera = truth.cameras.find((c) => c.id === cells[0])!;
        cells[2] = String(camera.position[0]);
        cells[3] = String(camera.position[1]);
        return [...cells, camera.gridId].join(',');
      }),
    );
    // Read as GCJ-02 only 44030000001320000003 stays in its grid (1 of 20).
    await expectRefused(dir, [
      'cameras.csv: crs: the points read as WGS84, not GCJ-02 (高德/腾讯) as declared: of the 20 records naming their grid, 100 % fall in it read as wgs84, 5 % as gcj02 (set "crs": "wgs84" for this file; the records\' own position problems are not listed)',
    ]);
  });

  it('names a camera row with 经度 and 纬度 swapped', async () => {
    const dir = brokenCopy();
    editCsv(dir, 'cameras.csv', (lines) => {
      const cells = lines[cameraLine(4) - 1]!.split(',');
      [cells[2], cells[3]] = [cells[3]!, cells[2]!];
      lines[cameraLine(4) - 1] = cells.join(',');
      return lines;
    });
    await expectRefused(dir, [
      'cameras.csv:5: 44030000001320000004: position: 22.4989641,113.5992587 is outside China: longitude and latitude swapped?',
    ]);
  });
});

/** Even-odd point in polygon over all rings (a hole counts as outside). */
function insideRings([x, y]: [number, number], rings: [number, number][][]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}
