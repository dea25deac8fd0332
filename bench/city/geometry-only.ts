/**
 * Times the region geometry check alone on a synthetic city, as the server runs it at start.
 *
 *   npx tsx bench/city/geometry-only.ts              # 20,000 grids
 *   npx tsx bench/city/geometry-only.ts 5000 --loose
 *
 * The synthetic grids share their vertices exactly, as a GIS that keeps topology exports them,
 * and the check compares such a tiling without clipping. --loose grows every grid by 0.5 %
 * about its middle (about 0.75 m over each edge, under the tolerance): neighbours no longer
 * share vertices, as with grids drawn one by one, and every community is clipped.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegionFeature } from '../../shared/index.js';
import { checkRegionGeometry, DEFAULT_TOLERANCE } from '../../server/city/geometry-check.js';
import { formatProblem, ProblemList, type RecordOrigin } from '../../server/city/problems.js';
import { loosenGrids, writeSyntheticCity } from './synthetic.js';

const loose = process.argv.includes('--loose');
const grids = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'city-geometry-'));
try {
  let t = performance.now();
  const made = writeSyntheticCity(dir, { grids, cameras: grids });
  console.log(`generated ${JSON.stringify(made)} in ${(performance.now() - t).toFixed(0)} ms`);

  const { features } = JSON.parse(readFileSync(join(dir, 'regions.geojson'), 'utf8')) as {
    features: RegionFeature[];
  };
  if (loose) loosenGrids(features);
  const origins = new Map<string, RecordOrigin>(
    features.map((f, i) => [f.properties.id, { file: 'regions.geojson', where: `features[${i}]` }]),
  );

  const problems = new ProblemList();
  t = performance.now();
  checkRegionGeometry(features, origins, DEFAULT_TOLERANCE, problems);
  const ms = performance.now() - t;
  console.log(
    `checkRegionGeometry${loose ? ' (loose)' : ''}: ${features.length} regions in ${ms.toFixed(0)} ms, ${problems.items.length} problems`,
  );
  for (const p of problems.items.slice(0, 10)) console.log(formatProblem(p));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
