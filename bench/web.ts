/**
 * Web benchmark: 20,000 incidents loaded and 200 updates a second for 60 s in Chromium.
 * For each screen (the wall, then the duty desk) it measures, with in-page instrumentation, the
 * longest main-thread task and the share of frames over 50 ms — first with no updates (phase A,
 * the baseline), then on the same page with the updates flowing through the real server
 * (phase B) — and the initial JavaScript of `/wall`, gzipped.
 *
 *   npm run bench:web                          # 20,000 incidents, 200 updates/s, 60 s a phase
 *   npm run bench:web -- --smoke               # 2,000 incidents, 10 s a phase (CI)
 *   npm run bench:web -- --pages wall --seconds 30 --rate 100
 *   npm run bench:web -- --renderer llvmpipe   # Mesa's software GL under Xvfb (web/renderer.ts)
 *
 * Other flags: --incidents N, --warmup S (after the page holds every incident; default 10),
 * --new-share F (of the updates, new reports; the rest are `note` actions; default 0.1),
 * --concurrency N (POSTs in flight, default 32), --unminified (build without minifying, for
 * readable attribution), --cpu-profile DIR (a Chromium CPU profile of each page's phase B, with
 * a summary by function), --calm (see below), --wall-video (see below), --server-nice N (see
 * below).
 *
 * By default the incidents are seeded hours in the past (so reports cannot deduplicate across
 * waves), which leaves every one of them overdue: the map's pulse animation then runs all the
 * time, in both phases, as it would in a centre with a backlog. `--calm` seeds them 6 minutes ago
 * in categories with 15 minutes to accept instead — nothing new, nothing overdue, nothing pulses
 * at rest — and sends note actions only (unless --new-share), to separate the cost of the updates
 * from the cost of the pulse. A calm run must finish within 9 minutes of seeding.
 * The run also measures the wall on an empty city first, as a floor.
 *
 * The wall's video tiles are left dark (their stream requests refused) unless `--wall-video`:
 * nine live HLS pictures decoded in software swamp this machine's two cores and the page's frames
 * whatever the map does, and their cost is the streams benchmark's subject, not this one's.
 *
 * The server and the update driver share this machine's two cores with the browser, where a
 * centre's server has its own machine: they run at nice 10 (`--server-nice`, 0 to compare), so
 * the page's frames measure the page, not which process the scheduler picked. The CPU column
 * still shows what each took.
 *
 * Everything is real and local: the web app is built (vite, into a temporary directory the run's
 * server serves), the server runs in this process over a fresh SQLite file, the incidents arrive
 * through `POST /api/v1/reports/batch`, the updates through `POST /api/v1/incidents/:id/actions`
 * and `POST /api/v1/reports`, and the page gets them over its own Socket.IO connection. The
 * instrumentation is injected (bench/web/probe.ts); the app is not changed. Exits non-zero only
 * if something crashed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { loginAs } from '../tests/support/browser.js';
import { api, login } from '../tests/support/server.js';
import { UpdateDriver, type DriverResult } from './web/driver.js';
import { measureWallInitialJs, type InitialJs } from './web/initial-js.js';
import { PROBE_SCRIPT, type PhaseStats } from './web/probe.js';
import { CpuWatch, type CpuSplit } from './web/proc.js';
import { launchRendered, parseRenderer, type RenderedBrowser } from './web/renderer.js';
import { summarizeProfile } from './web/profile.js';
import { CALM_FOR_MS, currentVersions, seedCalm, seedIncidents, waitQuiet } from './web/seed.js';
import { startBenchServer, type BenchServer } from './web/server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VIEWPORT = { width: 1920, height: 1080 };

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    incidents: { type: 'string' },
    rate: { type: 'string', default: '200' },
    warmup: { type: 'string' },
    'new-share': { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    pages: { type: 'string', default: 'wall,desk' },
    unminified: { type: 'boolean', default: false },
    'cpu-profile': { type: 'string' },
    calm: { type: 'boolean', default: false },
    'wall-video': { type: 'boolean', default: false },
    'server-nice': { type: 'string', default: '10' },
    renderer: { type: 'string', default: 'swiftshader' },
  },
});
const num = (v: string | undefined, fallback: number, name: string) => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
};
const opts = {
  seconds: num(args.seconds, args.smoke ? 10 : 60, 'seconds'),
  incidents: Math.round(num(args.incidents, args.smoke ? 2_000 : 20_000, 'incidents')),
  rate: num(args.rate, 200, 'rate'),
  warmup: num(args.warmup, args.smoke ? 3 : 10, 'warmup'),
  newShare: Math.min(1, num(args['new-share'], args.calm ? 0 : 0.1, 'new-share')),
  concurrency: Math.max(1, num(args.concurrency, 32, 'concurrency')),
  pages: args.pages.split(',').map((p) => p.trim()) as ('wall' | 'desk')[],
  renderer: parseRenderer(args.renderer),
};
for (const p of opts.pages)
  if (p !== 'wall' && p !== 'desk') throw new Error(`--pages: unknown page ${p}`);
// Each page: opening (~5-20 s), warm-up, two phases, settling.
const calmNeedsMs = opts.pages.length * (opts.warmup + 2 * opts.seconds + 30) * 1000 + 30_000;
if (args.calm && calmNeedsMs > CALM_FOR_MS)
  throw new Error(
    `--calm: this run needs ~${Math.round(calmNeedsMs / 1000)} s, longer than the ${CALM_FOR_MS / 1000} s ` +
      'before the seeded incidents turn overdue; shorten --seconds or use one page',
  );

/** See the header: the wall's tiles ask this for each camera's stream URL. */
async function darkenVideo(page: Page): Promise<void> {
  if (!args['wall-video']) await page.route(/\/api\/v1\/cameras\/[^/]+\/stream$/, (r) => r.abort());
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

interface PhaseRow {
  page: string;
  phase: '0 empty city' | 'A no updates' | 'B updates';
  stats: PhaseStats;
  /** Main-thread busy share from Chromium's own counters (CDP Performance.getMetrics). */
  busyPct: number;
  scriptPct: number;
  layoutPct: number;
  cpu: CpuSplit;
  driver?: DriverResult;
  /** Deltas the page received from the start of the phase until the server went quiet. */
  received?: number;
  storeHolds?: string;
  storeSize: number;
  mapSize: number;
  profile?: ReturnType<typeof summarizeProfile>;
}

/** Chromium's own main-thread counters (CDP Performance.getMetrics), cumulative seconds. */
async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: m } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(m.map((x) => [x.name, x.value]));
}

async function measure(
  page: Page,
  cdp: CDPSession,
  name: string,
  phase: PhaseRow['phase'],
  during: () => Promise<DriverResult | undefined>,
): Promise<PhaseRow> {
  const m0 = await metrics(cdp);
  const cpu = new CpuWatch();
  const t0 = performance.now();
  await page.evaluate('window.__bench.start()');
  const driver = await during();
  const stats = (await page.evaluate('window.__bench.stop()')) as PhaseStats;
  const wall = (performance.now() - t0) / 1000;
  const m1 = await metrics(cdp);
  const pct = (key: string) => (((m1[key] ?? 0) - (m0[key] ?? 0)) / wall) * 100;
  return {
    page: name,
    phase,
    stats,
    busyPct: pct('TaskDuration'),
    scriptPct: pct('ScriptDuration'),
    layoutPct: pct('LayoutDuration') + pct('RecalcStyleDuration'),
    cpu: cpu.since(),
    driver,
    storeSize: 0,
    mapSize: 0,
  };
}

/**
 * The wall on an empty city, before any incident exists: what the screen costs with nothing to
 * draw or pulse, to tell the map's own cost from the incidents'.
 */
async function runEmptyWall(browser: Browser, server: BenchServer): Promise<PhaseRow> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript({ content: PROBE_SCRIPT });
  await darkenVideo(page);
  await page.goto(`${server.url}/wall?device=demo-wall-device-token&rotate=0`);
  await page.waitForSelector('.city-map[data-ready=true]', { state: 'attached', timeout: 60_000 });
  const perf = await context.newCDPSession(page);
  await perf.send('Performance.enable');
  await sleep(Math.min(3, opts.warmup) * 1000);
  const row = await measure(page, perf, 'wall', '0 empty city', async () => {
    await sleep(Math.min(10, opts.seconds) * 1000);
    return undefined;
  });
  row.storeSize = (await page.evaluate('window.__bench.incidentCount()')) as number;
  await context.close();
  return row;
}

async function runPage(
  browser: Browser,
  server: BenchServer,
  name: 'wall' | 'desk',
  dutyToken: string,
): Promise<PhaseRow[]> {
  const versions = await currentVersions(server.url, dutyToken);
  const expected = versions.size;
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript({ content: PROBE_SCRIPT });
  const opened = performance.now();
  if (name === 'wall') {
    await darkenVideo(page);
    await page.goto(`${server.url}/wall?device=demo-wall-device-token&rotate=0`);
  } else await loginAs(page, server.url, 'duty');
  // A function, not a string: the page's Content-Security-Policy forbids evaluating strings.
  await page.waitForFunction(
    (n) => {
      type Probe = { incidentCount(): number; mapIncidents(): number };
      const bench = (window as unknown as { __bench: Probe }).__bench;
      const map = document.querySelector<HTMLElement>('.city-map');
      return (
        bench.incidentCount() >= n && map?.dataset.ready === 'true' && bench.mapIncidents() >= n
      );
    },
    expected,
    { timeout: 180_000, polling: 500 },
  );
  log(
    `${name}: holds ${expected} incidents on the map ${((performance.now() - opened) / 1000).toFixed(1)} s after opening; warming up ${opts.warmup} s`,
  );
  const perf = await context.newCDPSession(page);
  await perf.send('Performance.enable');
  await sleep(opts.warmup * 1000);

  const a = await measure(page, perf, name, 'A no updates', async () => {
    await sleep(opts.seconds * 1000);
    return undefined;
  });
  a.storeSize = (await page.evaluate('window.__bench.incidentCount()')) as number;
  a.mapSize = (await page.evaluate('window.__bench.mapIncidents()')) as number;
  log(`${name}: phase A done; phase B, ${opts.rate} updates/s for ${opts.seconds} s`);

  const before = (await page.evaluate('window.__bench.deltas')) as number;
  const cdp = args['cpu-profile'] ? await context.newCDPSession(page) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    await cdp.send('Profiler.start');
  }
  const b = await measure(page, perf, name, 'B updates', async () => {
    const driver = new UpdateDriver(server.url, dutyToken, versions, {
      rate: opts.rate,
      newShare: opts.newShare,
      concurrency: opts.concurrency,
    });
    driver.start();
    await sleep(opts.seconds * 1000);
    return driver.stop();
  });
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    b.profile = summarizeProfile(profile);
    mkdirSync(args['cpu-profile']!, { recursive: true });
    const file = join(args['cpu-profile']!, `${name}-phase-b.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    log(`${name}: CPU profile of phase B in ${file}`);
    await cdp.detach();
  }
  await waitQuiet(server.url, 1_500);
  await sleep(1_000);
  b.received = ((await page.evaluate('window.__bench.deltas')) as number) - before;
  const written = b.driver!.lastWritten.slice(-500);
  const holds = (await page.evaluate(`window.__bench.holds(${JSON.stringify(written)})`)) as number;
  b.storeHolds = `${holds}/${written.length}`;
  b.storeSize = (await page.evaluate('window.__bench.incidentCount()')) as number;
  b.mapSize = (await page.evaluate('window.__bench.mapIncidents()')) as number;
  if (errors.length) log(`${name}: page errors: ${errors.slice(0, 5).join(' | ')}`);
  await context.close();
  return [a, b];
}

function printTable(rows: PhaseRow[]): void {
  const header = [
    'page',
    'phase',
    'longest task ms',
    'frames >50 ms %',
    'frames',
    'fps',
    'map draws/s',
    'p50/p95/p99 frame ms',
    'long tasks',
    'main thread busy %',
    'script/layout %',
    'updates sent/received',
    'store/map',
    'CPU % renderer/gpu/node/other jobs',
  ];
  const lines = rows.map((r) => {
    const s = r.stats;
    return [
      r.page,
      r.phase,
      s.maxLongTask.toFixed(0),
      ((s.over50 / Math.max(1, s.frames)) * 100).toFixed(2),
      String(s.frames),
      (s.frames / s.seconds).toFixed(1),
      (s.glFrames / s.seconds).toFixed(1),
      `${s.p50.toFixed(1)}/${s.p95.toFixed(1)}/${s.p99.toFixed(1)}`,
      String(s.longTasks),
      r.busyPct.toFixed(0),
      `${r.scriptPct.toFixed(0)}/${r.layoutPct.toFixed(0)}`,
      r.driver ? `${r.driver.ok}/${r.received}` : `0/${s.deltas}`,
      `${r.storeSize}/${r.mapSize}`,
      [r.cpu.renderer, r.cpu.gpu, r.cpu.node, r.cpu.others].map((x) => x.toFixed(0)).join('/'),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of lines) console.log(fmt(l));
}

function printInitialJs(js: InitialJs): void {
  console.log(
    `\n/wall initial JavaScript (loaded before the first render, ${js.firstRenderMs.toFixed(0)} ms after navigation): ` +
      `${js.gzKB.toFixed(1)} KB gzipped (${js.rawKB.toFixed(1)} KB raw)`,
  );
  for (const c of [...js.chunks].sort((x, y) => x.loadedAtMs - y.loadedAtMs)) {
    console.log(
      `  ${c.beforeRender ? 'counted' : 'later  '}  ${c.file.padEnd(36)} ${c.gzKB.toFixed(1).padStart(7)} KB gz ${c.rawKB.toFixed(1).padStart(8)} KB raw  at ${c.loadedAtMs.toFixed(0)} ms (${c.how})`,
    );
  }
  const counted = js.chunks
    .filter((c) => c.beforeRender)
    .map((c) => c.file)
    .sort();
  if (js.manifestChunks.length && JSON.stringify(counted) !== JSON.stringify(js.manifestChunks))
    console.log(
      `  note: the Vite manifest's static closure for /wall is ${js.manifestChunks.join(', ')}`,
    );
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(
    `web bench: ${opts.incidents} ${args.calm ? 'calm ' : ''}incidents, ${opts.rate} updates/s (${Math.round(opts.newShare * 100)}% new reports, ` +
      `the rest note actions), ${opts.seconds} s a phase after ${opts.warmup} s warm-up; pages ${opts.pages.join(', ')}; 1920x1080 Chromium; ` +
      `wall video tiles ${args['wall-video'] ? 'playing' : 'dark'}`,
  );
  const webDir = mkdtempSync(join(tmpdir(), 'citybrain-bench-web-build-'));
  let server: BenchServer | undefined;
  let rendered: RenderedBrowser | undefined;
  try {
    log('building the web app (vite)');
    const build = spawnSync(
      join(ROOT, 'node_modules/.bin/vite'),
      [
        'build',
        '--logLevel',
        'error',
        '--outDir',
        webDir,
        '--emptyOutDir',
        '--manifest',
        ...(args.unminified ? ['--minify', 'false'] : []),
      ],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (build.status !== 0) throw new Error(`vite build failed (${build.status})`);

    server = await startBenchServer(webDir);
    rendered = await launchRendered(opts.renderer, VIEWPORT);
    const browser = rendered.browser;
    log(`WebGL draws with ${await rendered.describe()}`);
    // After the browser started, so that it does not inherit the niceness.
    setPriority(Math.min(19, num(args['server-nice'], 10, 'server-nice')));
    const initialJs = await measureWallInitialJs(browser, server.url, webDir);
    const rows: PhaseRow[] = [];
    if (opts.pages.includes('wall')) {
      log('wall on an empty city');
      rows.push(await runEmptyWall(browser, server));
    }

    log(
      `seeding ${opts.incidents} ${args.calm ? 'calm ' : ''}incidents through POST /api/v1/reports/batch`,
    );
    const seeded = await (args.calm ? seedCalm : seedIncidents)(server, opts.incidents);
    const seq = await waitQuiet(server.url);
    const health = await api(server.url, '/api/health');
    log(
      `seeded ${seeded.created} incidents from ${seeded.reports} reports in ${seeded.waves} waves ` +
        `(${seeded.seconds.toFixed(1)} s); server quiet at seq ${seq} (${health.body.status})`,
    );
    const dutyToken = await login(server.url, 'duty');

    for (const name of opts.pages) rows.push(...(await runPage(browser, server, name, dutyToken)));

    console.log('');
    printTable(rows);
    for (const r of rows.filter((x) => x.driver)) {
      const d = r.driver!;
      console.log(
        `${r.page}: sent ${d.ok} in ${d.seconds.toFixed(1)} s (${(d.ok / d.seconds).toFixed(0)}/s: ${d.notes} notes, ${d.reports} reports; ` +
          `${d.conflicts} conflicts, ${d.errors} errors, peak ${d.peakInFlight} in flight, ${d.behind} behind schedule); ` +
          `page received ${r.received} deltas in ${r.stats.deltaMessages} messages during the phase; ` +
          `store holds the last written version of ${r.storeHolds}`,
      );
    }
    for (const r of rows) {
      if (!r.stats.topScripts.length) continue;
      console.log(
        `\n${r.page} · ${r.phase}: ${r.stats.longFrames} long animation frames, ` +
          `${r.stats.longFrameStyleLayoutMs.toFixed(0)} ms style+layout+paint in them; what they ran (total ms, count, max ms):`,
      );
      for (const s of r.stats.topScripts.slice(0, 6))
        console.log(
          `  ${s.total.toFixed(0).padStart(7)} ms ${String(s.count).padStart(5)}× max ${s.max.toFixed(0).padStart(4)}  ${s.what}`,
        );
    }
    for (const r of rows) {
      if (!r.profile) continue;
      console.log(
        `\n${r.page} · ${r.phase}: CPU profile, main thread busy ${r.profile.busyMs.toFixed(0)} of ${r.profile.wallMs.toFixed(0)} ms; inclusive time by function:`,
      );
      for (const l of r.profile.lines)
        console.log(
          `  ${l.ms.toFixed(0).padStart(7)} ms ${l.pct.toFixed(1).padStart(5)}%  ${l.what}`,
        );
    }
    printInitialJs(initialJs);
    console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await rendered?.close();
    await server?.stop();
    rmSync(webDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
