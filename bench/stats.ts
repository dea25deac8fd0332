/**
 * Statistics at a large city's scale: how long the statistics take to answer with millions of
 * incidents in the store, from the rollups, beside the naive GROUP BY over the incidents table
 * that the rollups replace, measured in the same run on the same data.
 *
 *   npm run bench:stats                 # 2,000,000 incidents over three years
 *   npm run bench:stats -- --smoke      # 20,000: that it still works end to end
 *   npm run bench:stats -- --incidents 500000
 *
 * The incidents are written through the store's import (the path the demo's past takes), which
 * keeps the rollups as it goes; their import rate is printed too. Queries: random areas of every
 * level and random periods of every kind (day, week, month, quarter, year, custom), each the
 * whole answer the API gives (figures with previous period and last year, the daily trend, the
 * breakdown one level down, the mix, the departments), and the 指数排行 of streets and of
 * communities.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadDemoPackage } from '../fixtures/index.js';
import {
  CATEGORIES,
  periodOf,
  type Category,
  type Incident,
  type PeriodKind,
  type Source,
} from '../shared/index.js';
import { loadConfig, levelRules } from '../server/config.js';
import { Scopes } from '../server/levels/scopes.js';
import { StatsService } from '../server/stats/service.js';
import { databaseFile } from '../server/store/open-database.js';
import { openSqliteStore } from '../server/store/sqlite-store.js';
import { seededRandom } from '../shared/index.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const given = args.indexOf('--incidents');
const COUNT = given >= 0 ? Number(args[given + 1]) : smoke ? 20_000 : 2_000_000;
const QUERIES = smoke ? 40 : 300;
const NAIVE_QUERIES = smoke ? 6 : 20;
const YEARS = 3;
const DAY = 86_400_000;
const OFFSET = 480;
const FLOOR_MS = 200;

const { city } = loadDemoPackage();
const rng = seededRandom(42);
const regions = new Map(city.regions.features.map((f) => [f.properties.id, f.properties]));
const grids = city.regions.features.filter((f) => f.properties.level === 'grid');
const departments = city.departments.filter((d) => !d.regionId && !d.streetId).map((d) => d.id);
const SOURCES: Source[] = [
  'hotline',
  'grid-worker',
  'patrol',
  'online-petition',
  'video-analytics',
];
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;

const end = Date.now();
const start = end - YEARS * 365 * DAY;
const ACTOR = { id: 'bench', name: 'bench', role: 'duty' as const };

/** A finished or open incident with a short but real timeline (created, dispatch, close). */
function incident(n: number): Incident {
  const grid = pick(grids).properties;
  const community = regions.get(grid.parentId!)!;
  const street = regions.get(community.parentId!)!;
  const reportedMs = start + Math.floor(((n + rng()) / COUNT) * (end - start));
  const reportedAt = new Date(reportedMs).toISOString();
  const category = pick(CATEGORIES) as Category;
  const r = rng();
  const state =
    r < 0.02
      ? 'rejected'
      : r < 0.05 && reportedMs > end - 7 * DAY
        ? 'handling'
        : r < 0.3
          ? 'closed'
          : 'evaluated';
  const closed = state === 'closed' || state === 'evaluated';
  const closedMs = reportedMs + Math.floor(3_600_000 * Math.exp(rng() * 5 - 1));
  const department = pick(departments);
  const late = rng() < 0.12;
  const timeline: Incident['timeline'] = [
    { at: reportedAt, action: 'created', actor: ACTOR, from: null, to: 'reported' },
    {
      at: new Date(reportedMs + 600_000).toISOString(),
      action: 'dispatch',
      actor: ACTOR,
      from: 'accepted',
      to: 'dispatched',
      detail: { departmentIds: [department] },
    },
  ];
  if (late)
    timeline.push({
      at: new Date(reportedMs + 1_800_000).toISOString(),
      action: 'overdue',
      actor: ACTOR,
      from: 'dispatched',
      to: 'dispatched',
      detail: { step: 'respond' },
    });
  if (closed)
    timeline.push({
      at: new Date(closedMs).toISOString(),
      action: 'close',
      actor: ACTOR,
      from: 'verifying',
      to: 'closed',
    });
  return {
    id: `INC-B-${String(n).padStart(8, '0')}`,
    version: timeline.length,
    title: '测试事件',
    description: '',
    category,
    severity: 'medium',
    groupRisk: false,
    source: pick(SOURCES),
    location: grid.center,
    gridId: grid.id,
    communityId: community.id,
    streetId: street.id,
    districtId: street.parentId!,
    cameraId: null,
    state,
    assignments: [{ departmentId: department, respondedAt: null, reportedAt: null }],
    gridWorkerId: null,
    deadline: null,
    reportedAt,
    updatedAt: closed ? new Date(closedMs).toISOString() : reportedAt,
    closedAt: closed ? new Date(closedMs).toISOString() : null,
    rating: state === 'evaluated' ? 1 + Math.floor(rng() * 5) : null,
    reportCount: rng() < 0.1 ? 2 : 1,
    wasOverdue: late,
    timeline,
  } as Incident;
}

const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: s.at(-1)! };
};
const fmt = (x: { n: number; p50: number; p95: number; max: number }) =>
  `p50 ${x.p50.toFixed(1)} ms, p95 ${x.p95.toFixed(1)} ms, max ${x.max.toFixed(1)} ms (${x.n} queries)`;

const dir = mkdtempSync(join(tmpdir(), 'citybrain-bench-stats-'));
try {
  const store = openSqliteStore(dir, { synchronous: 'normal', utcOffsetMinutes: OFFSET });
  console.log(`writing ${COUNT.toLocaleString('en')} incidents over ${YEARS} years…`);
  const importStarted = performance.now();
  const BATCH = 5_000;
  for (let n = 0; n < COUNT; n += BATCH) {
    const incidents = Array.from({ length: Math.min(BATCH, COUNT - n) }, (_, k) => incident(n + k));
    await store.importPast({ incidents, reports: [] });
    if (!smoke && (n / BATCH) % 40 === 0) process.stdout.write(`  ${n.toLocaleString('en')}\r`);
  }
  const importSeconds = (performance.now() - importStarted) / 1000;
  const config = loadConfig({});
  const scopes = new Scopes(city, levelRules(config.levels));
  const stats = new StatsService(
    store.statistics,
    city,
    scopes,
    config.stats,
    () => new Date(end),
    OFFSET,
  );
  const kinds: PeriodKind[] = ['day', 'week', 'month', 'quarter', 'year', 'custom'];
  const areaIds = [
    'city',
    ...city.regions.features
      .filter((f) => f.properties.level !== 'city')
      .map((f) => f.properties.id),
  ];
  const dayOf = (ms: number) => new Date(ms + OFFSET * 60_000).toISOString().slice(0, 10);
  const randomPeriod = () => {
    const kind = pick(kinds);
    const at = start + 365 * DAY + rng() * (end - start - 365 * DAY);
    return kind === 'custom'
      ? periodOf(kind, dayOf(at - rng() * 180 * DAY), dayOf(at))
      : periodOf(kind, dayOf(at));
  };

  // Warm the page cache as a running server's would be, then measure.
  await stats.answer(stats.areaFor(undefined, 'city'), randomPeriod(), undefined);
  const answers: number[] = [];
  const rankings: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const period = randomPeriod();
    const area = stats.areaFor(undefined, pick(areaIds));
    let t = performance.now();
    await stats.answer(area, period, undefined);
    answers.push(performance.now() - t);
    t = performance.now();
    await stats.ranking(q % 2 ? 'street' : 'community', period, undefined);
    rankings.push(performance.now() - t);
  }

  // The naive way: the same figures by GROUP BY over the incidents, one level down.
  const db = new Database(databaseFile(dir), { readonly: true });
  const naive = db.prepare(`
    SELECT district_id AS area, count(*) AS intake,
      sum(state IN ('closed', 'evaluated')) AS closed,
      sum(state = 'rejected') AS rejected,
      sum(json_extract(doc, '$.wasOverdue')) AS overdue,
      sum(json_extract(doc, '$.rating') >= 4) AS satisfied,
      count(json_extract(doc, '$.rating')) AS rated,
      avg(CASE WHEN closed_at IS NOT NULL THEN julianday(closed_at) - julianday(reported_at) END) AS days
    FROM incidents WHERE reported_at >= ? AND reported_at < ? GROUP BY district_id`);
  const naiveMs: number[] = [];
  for (let q = 0; q < NAIVE_QUERIES; q++) {
    const period = randomPeriod();
    const from = new Date(Date.parse(`${period.from}T00:00:00Z`) - OFFSET * 60_000).toISOString();
    const to = new Date(Date.parse(`${period.to}T00:00:00Z`) + DAY - OFFSET * 60_000).toISOString();
    const t = performance.now();
    // Three periods, as the answer compares with the previous one and last year's.
    naive.all(from, to);
    naive.all(from, to);
    naive.all(from, to);
    naiveMs.push(performance.now() - t);
  }
  db.close();
  const size = statSync(databaseFile(dir)).size;
  await store.close();

  const a = summary(answers);
  const r = summary(rankings);
  console.log(
    `\nstatistics at ${COUNT.toLocaleString('en')} incidents (${(size / 2 ** 20).toFixed(0)} MiB store)`,
  );
  console.log(
    `  import with rollups    ${Math.round(COUNT / importSeconds).toLocaleString('en')} incidents/s (${importSeconds.toFixed(1)} s)`,
  );
  console.log(`  answer (rollups)       ${fmt(a)}`);
  console.log(`  ranking (rollups)      ${fmt(r)}`);
  console.log(
    `  naive GROUP BY ×3      ${fmt(summary(naiveMs))}  (baseline: figures only, no trend, mix or departments)`,
  );
  const met = a.p95 <= FLOOR_MS && r.p95 <= FLOOR_MS;
  console.log(`  floor: p95 ≤ ${FLOOR_MS} ms for answers and rankings: ${met ? 'met' : 'NOT met'}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
