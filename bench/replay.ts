/**
 * Replay (复盘) at a week's scale: how long the server takes to answer a stretch of the demo's
 * past over HTTP, and what playing it costs the screen at 3600× (four steps a second, each a
 * quarter of an hour), beside a rebuild of the whole picture at every step (each incident's
 * state recomputed from its first step, every incident counted for the figures), measured in
 * the same run on the same answer.
 *
 *   npm run bench:replay                # 7 days of the demo's past, a week's replay
 *   npm run bench:replay -- --smoke     # 1 day: that it still works end to end
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CITY_DIR, loadDemoPackage } from '../fixtures/index.js';
import {
  addTodayCounts,
  centreDayStart,
  emptyTodayCounts,
  onBoard,
  stepsBy,
  summaryAfter,
  todayCounts,
  type ReplayAnswer,
} from '../shared/index.js';
import { loadConfig } from '../server/config.js';
import { makeHistoryInParts } from '../server/simulate/history/parts.js';
import { loadHotspots } from '../server/simulate/hotspots.js';
import { databaseFile } from '../server/store/open-database.js';
import { openSqliteStore } from '../server/store/sqlite-store.js';
import { startServer } from '../server/server.js';
import { ReplayPlayback } from '../web/src/replay/playback.js';

const smoke = process.argv.includes('--smoke');
const DAYS = smoke ? 1 : 7;
const ASKS = smoke ? 2 : 5;
const HOUR = 3_600_000;
/** One step of a replay playing at 3600×, four times a second. */
const STEP_MS = 900_000;

const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-bench-replay-'));
const end = new Date();
const loaded = loadDemoPackage();
const city = { ...loaded.city, hotspots: loadHotspots(DEMO_CITY_DIR) };
const config = loadConfig({
  DATA_DIR: dataDir,
  PORT: '0',
  HOST: '127.0.0.1',
  DEMO: 'true',
  SIMULATE: 'false',
  DEMO_ORIGIN_PORT: '0',
});

function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const ms = (x: number) => `${x.toFixed(1)} ms`;

try {
  // The past, made as a first start makes it: a week needs a few days more before it, for the
  // matters still open when the week began.
  // The store open (its schema made, its lock held) while the parts write, as at a first start.
  const store = openSqliteStore(dataDir, { synchronous: 'normal' });
  const made = performance.now();
  const past = await makeHistoryInParts({
    city,
    levels: config.levels,
    days: DAYS + 3,
    end,
    seed: 7,
    utcOffsetMinutes: 480,
    databaseFile: databaseFile(dataDir),
  });
  await store.close();
  console.log(
    `past: ${DAYS + 3} days, ${past.incidents.toLocaleString()} incidents, made in ${((performance.now() - made) / 1000).toFixed(1)} s`,
  );

  const server = await startServer(config, loaded);
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'duty', password: 'citybrain-demo' }),
  });
  const { token } = (await login.json()) as { token: string };
  const to = end.getTime();
  let answer: ReplayAnswer | undefined;
  console.log('\nthe server: GET /api/v1/replay, the whole answer read (gzip), median of', ASKS);
  for (const [name, span] of [
    ['an hour', HOUR],
    ['a day', 24 * HOUR],
    [`${DAYS} days`, DAYS * 24 * HOUR],
  ] as const) {
    const times: number[] = [];
    let chars = 0;
    for (let k = 0; k < ASKS; k++) {
      const started = performance.now();
      const res = await fetch(
        `${server.url}/api/v1/replay?from=${new Date(to - span).toISOString()}&to=${new Date(to).toISOString()}`,
        { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } },
      );
      const text = await res.text();
      times.push(performance.now() - started);
      chars = text.length;
      answer = JSON.parse(text) as ReplayAnswer;
    }
    const steps = answer!.incidents.reduce((n, i) => n + i.steps.length, 0);
    console.log(
      `  ${name.padEnd(8)} ${answer!.incidents.length.toLocaleString().padStart(7)} incidents ${steps.toLocaleString().padStart(8)} steps  ${ms(quantile(times, 0.5)).padStart(10)}  (${(chars / 1e6).toFixed(1)} MB of JSON)`,
    );
  }
  await server.close();

  // The screen: the week played at 3600×.
  const week = answer!;
  const from = Date.parse(week.from);
  const built = performance.now();
  const playback = new ReplayPlayback(week);
  const buildMs = performance.now() - built;
  const moments: number[] = [];
  for (let t = from; t <= to; t += STEP_MS) moments.push(t);
  playback.seek(from);
  const ours: number[] = [];
  for (const t of moments) {
    const started = performance.now();
    playback.seek(t);
    playback.figures();
    ours.push(performance.now() - started);
  }
  // The baseline: every step, every incident's state from its first step, every one counted.
  const rebuild: number[] = [];
  for (const t of moments) {
    const started = performance.now();
    const dayStart = new Date(centreDayStart(t, week.utcOffsetMinutes)).toISOString();
    const dayEnd = new Date(Date.parse(dayStart) + 24 * HOUR).toISOString();
    const totals = emptyTodayCounts();
    const board = [];
    for (const r of week.incidents) {
      const summary = summaryAfter(r, stepsBy(r, t));
      if (!summary) continue;
      if (onBoard(summary, dayStart)) board.push(summary);
      addTodayCounts(totals, todayCounts(summary, new Date(t), dayStart, dayEnd));
    }
    rebuild.push(performance.now() - started);
  }
  console.log(
    `\nthe screen: ${DAYS} days at 3600×, ${moments.length} steps of 15 min (built in ${ms(buildMs)})`,
  );
  console.log(
    `  ${'moving on (ours)'.padEnd(30)} p50 ${ms(quantile(ours, 0.5))}  p95 ${ms(quantile(ours, 0.95))}`,
  );
  console.log(
    `  ${'rebuilt at every step'.padEnd(30)} p50 ${ms(quantile(rebuild, 0.5))}  p95 ${ms(quantile(rebuild, 0.95))}`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
