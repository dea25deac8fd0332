import {
  areaBBox,
  CATEGORIES,
  pointInArea,
  type Category,
  type LngLat,
  type ReportInput,
  type Source,
} from '../../shared/index.js';
import { api, demoCity, INGEST_KEY } from '../../tests/support/server.js';
import type { BenchServer } from './server.js';
import { seededRandom } from '../../shared/random.js';

const TITLES: Record<Category, string[]> = {
  dispute: ['邻里噪音纠纷', '物业费用纠纷', '停车位争执'],
  'public-order': ['夜间聚集喧哗', '街头争吵', '可疑人员徘徊'],
  'safety-hazard': ['楼道堆放杂物', '电动车违规充电', '井盖缺失'],
  'city-management': ['占道经营', '垃圾满溢', '违规张贴广告'],
  'citizen-request': ['路灯不亮', '咨询办事流程', '小区供水异常'],
  'video-alarm': ['人员聚集告警', '越界告警', '烟火告警'],
  emergency: ['燃气泄漏报警', '突发火情', '人员受伤求助'],
};
const SOURCES: Record<Category, Source> = {
  dispute: 'grid-worker',
  'public-order': 'patrol',
  'safety-hazard': 'grid-worker',
  'city-management': 'grid-worker',
  'citizen-request': 'hotline',
  'video-alarm': 'video-analytics',
  emergency: 'hotline',
};

/** The same run places the same points. */
export const rng = seededRandom;

const GRIDS = () => demoCity().regions.features.filter((f) => f.properties.level === 'grid');

/** A uniformly random point inside a random grid. */
export function randomPlace(random: () => number): LngLat {
  const grids = GRIDS();
  const grid = grids[Math.floor(random() * grids.length)]!;
  const [w, s, e, n] = areaBBox(grid.geometry);
  for (let tries = 0; tries < 50; tries++) {
    const p: LngLat = [w + random() * (e - w), s + random() * (n - s)];
    if (pointInArea(p, grid.geometry)) return p;
  }
  return grid.properties.center;
}

let serial = 0;
export function reportAt(
  category: Category,
  [lng, lat]: LngLat,
  time: Date,
  random: () => number,
  cameraId?: string,
): ReportInput {
  const titles = TITLES[category];
  return {
    source: SOURCES[category],
    externalId: `bench-web-${process.pid}-${++serial}`,
    category,
    title: titles[Math.floor(random() * titles.length)]!,
    description: '压力测试',
    location: { lng, lat },
    time: time.toISOString(),
    ...(cameraId ? { cameraId } : {}),
  };
}

/**
 * One wave: for every category, one report at a random point inside each grid (video alarms at
 * each camera, with its id), shuffled. Within a wave two reports of a category rarely fall inside
 * its attach radius of each other; the caller counts what was created and tops up.
 */
function wave(random: () => number, time: Date): ReportInput[] {
  const grids = GRIDS();
  const cameras = demoCity().cameras;
  const out: ReportInput[] = [];
  for (const category of CATEGORIES) {
    if (category === 'video-alarm') {
      for (const c of cameras) out.push(reportAt(category, c.position, time, random, c.id));
      continue;
    }
    for (const g of grids) {
      const [w, s, e, n] = areaBBox(g.geometry);
      let p: LngLat = g.properties.center;
      for (let tries = 0; tries < 50; tries++) {
        const q: LngLat = [w + random() * (e - w), s + random() * (n - s)];
        if (pointInArea(q, g.geometry)) {
          p = q;
          break;
        }
      }
      out.push(reportAt(category, p, time, random));
    }
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const WAVE_GAP_MS = 2.25 * 3_600_000; // > the 2 h attach window (server/ingest/attach-rule.ts)

export interface Seeded {
  created: number;
  reports: number;
  waves: number;
  seconds: number;
}

/**
 * Opens `target` incidents through the real intake API (`POST /api/v1/reports/batch`, 500 a
 * batch). Each wave is posted with the server's clock set further back than the attach window
 * from the next, so only reports of the same wave can deduplicate; the waves stop when exactly
 * `target` were created. Afterwards the clock is real again: every seeded incident is then past
 * its accept deadline, the server flags them overdue (one more delta each), and the page later
 * opens on a steady picture — nothing turns overdue or stops being new during the measurement.
 */
export async function seedIncidents(server: BenchServer, target: number): Promise<Seeded> {
  const t0 = Date.now();
  const random = rng(20_000);
  const perWave = wave(rng(1), new Date()).length;
  const slots = Math.ceil(target / perWave) + 3;
  let created = 0;
  let reports = 0;
  let waves = 0;
  for (let slot = 0; slot < slots && created < target; slot++) {
    const offset = -(slots - slot) * WAVE_GAP_MS;
    server.setClockOffset(offset);
    const plan = wave(random, new Date(Date.now() + offset)).slice(0, target - created);
    waves += 1;
    for (let i = 0; i < plan.length; i += 500) {
      const batch = plan.slice(i, i + 500);
      reports += batch.length;
      created += await postBatch(server, batch);
    }
  }
  server.setClockOffset(0);
  if (created !== target) throw new Error(`seeded ${created} incidents, wanted ${target}`);
  return { created, reports, waves, seconds: (Date.now() - t0) / 1000 };
}

/** Categories whose accept deadline is at least 15 minutes (shared/workflow/deadlines.ts). */
const CALM_CATEGORIES = ['dispute', 'safety-hazard', 'city-management', 'citizen-request'] as const;
/** Seeded this long ago: past the 5 minutes an incident counts as new, 9 minutes before overdue. */
export const CALM_AGE_MS = 6 * 60_000;
export const CALM_FOR_MS = 15 * 60_000 - CALM_AGE_MS;

/**
 * `--calm`: every incident opened 6 minutes ago, in categories that allow 15 minutes to accept,
 * so for the next 9 minutes none is new or overdue and nothing on the map pulses. Random places,
 * one time slot, so some reports attach; posting goes on until exactly `target` were created.
 */
export async function seedCalm(server: BenchServer, target: number): Promise<Seeded> {
  const t0 = Date.now();
  const random = rng(20_000);
  server.setClockOffset(-CALM_AGE_MS);
  let created = 0;
  let reports = 0;
  try {
    while (created < target) {
      const at = new Date(Date.now() - CALM_AGE_MS);
      const batch = Array.from({ length: Math.min(500, target - created) }, () =>
        reportAt(
          CALM_CATEGORIES[Math.floor(random() * CALM_CATEGORIES.length)]!,
          randomPlace(random),
          at,
          random,
        ),
      );
      reports += batch.length;
      created += await postBatch(server, batch);
    }
  } finally {
    server.setClockOffset(0);
  }
  return { created, reports, waves: 1, seconds: (Date.now() - t0) / 1000 };
}

/** Waits until the server's sequence stops moving (the overdue clock has flagged everything). */
export async function waitQuiet(
  url: string,
  quietMs = 2_000,
  timeoutMs = 300_000,
): Promise<number> {
  const until = Date.now() + timeoutMs;
  let seq = -1;
  let since = Date.now();
  while (Date.now() < until) {
    const { body } = await api(url, '/api/health');
    if (body.seq !== seq) {
      seq = body.seq;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return seq;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the server never went quiet');
}

/** Every live incident's id and current version, 500 a page. */
export async function currentVersions(url: string, token: string): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  for (let offset = 0; ; offset += 500) {
    const { status, body } = await api(url, `/api/v1/incidents?limit=500&offset=${offset}`, {
      token,
    });
    if (status !== 200) throw new Error(`list incidents: ${status}`);
    for (const i of body.incidents as { id: string; version: number }[])
      versions.set(i.id, i.version);
    if (offset + 500 >= body.total) return versions;
  }
}

/** Posts one batch through the intake API; answers how many opened a new incident. */
async function postBatch(server: BenchServer, batch: unknown[]): Promise<number> {
  const res = await api(server.url, '/api/v1/reports/batch', {
    token: INGEST_KEY,
    body: { reports: batch },
  });
  if (res.status !== 200) {
    throw new Error(`batch: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  }
  return (res.body.results as { result: string }[]).filter((r) => r.result === 'created').length;
}
