/**
 * Video wall benchmark: two wall pages of sixteen live tiles each, in headless Chromium, for 20
 * minutes, against the real server and its demo camera origin.
 *
 * - the steady page shows the same sixteen cameras all along (its URL preset);
 * - the churn page is pushed, through the product's own path (Socket.IO `wall:push` from a duty
 *   officer, addressed to the page's wall name), alternately two other sets of sixteen cameras
 *   every minute, so all sixteen players are torn down and recreated each time; it is the proof
 *   that teardown gives the memory back.
 *
 * Prints: time to first frame p50/p95 (every first frame: each page's first sixteen and every
 * tile of every push), each page's memory at 5 minutes and at the end with the growth (renderer
 * RSS and private memory from /proc, the GPU process and the whole browser, the JS heap, DOM
 * nodes and listeners from CDP), stalls per tile-hour, tiles playing at the end, how the pushes
 * went (time until all sixteen played, requests for cameras no longer shown), the connections
 * each page used to our server (the kernel's count of TCP connections, CDP's connection ids,
 * requests in flight, how long requests waited to be sent), CPU; and PASS/FAIL against the
 * floors: TTFF p50 <= 1.5 s, renderer memory growth <= 10% on both pages, 16/16 playing.
 *
 *   npm run bench:video                         # 20 minutes, a push a minute
 *   npm run bench:video -- --smoke              # 1.5 minutes, a push every 20 s (CI)
 *   npm run bench:video -- --minutes 10 --churn-seconds 30
 *
 * Other flags: --sample-seconds S (memory and CDP metrics, default 15; 5 in a smoke run),
 * --mark-minutes M (the first memory reading; default 5, or a quarter of the run if shorter).
 *
 * Each page runs in its own Chromium, so its renderer, GPU process and network service (and its
 * six connections per host) are its own and their memory is the page's alone: two contexts of one
 * browser would share the GPU process, where decoded frames go. A memory reading "at 5 minutes"
 * is the mean of the samples over the last push cycle before it, so the churn page is compared
 * with itself at the same point of its cycle; pushes fall half-way between readings. No GC is
 * forced: the figures are what a wall would hold.
 * Exits non-zero only if something crashed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../shared/index.js';
import { launchBrowser, loginAs } from '../tests/support/browser.js';
import { demoCity, login } from '../tests/support/server.js';
import { NetworkWatch, quantile, type NetworkSummary } from './video/network.js';
import { PROBE_SCRIPT, type TileEvent, type TileSnapshot } from './video/probe.js';
import { BrowserProcs, type BrowserMemory } from './video/procs.js';
import { TileLog } from './video/tiles.js';
import { startBenchServer, type BenchServer } from './web/server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    minutes: { type: 'string' },
    'churn-seconds': { type: 'string' },
    'sample-seconds': { type: 'string' },
    'mark-minutes': { type: 'string' },
  },
});
const num = (v: string | undefined, fallback: number, name: string) => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
};
const minutes = num(args.minutes, args.smoke ? 1.5 : 20, 'minutes');
const opts = {
  minutes,
  churnS: num(args['churn-seconds'], args.smoke ? 20 : 60, 'churn-seconds'),
  sampleS: num(args['sample-seconds'], args.smoke ? 5 : 15, 'sample-seconds'),
  markMin: num(args['mark-minutes'], Math.min(5, minutes / 4), 'mark-minutes'),
};
if (opts.markMin >= opts.minutes) throw new Error('--mark-minutes must be shorter than the run');

const TILES = 16;
/** The operator's wall: a wall opened by signing in is named after the person. */
const CHURN_WALL = '大屏操作员 王芳';
/** After a push, a request for a camera that left the page is a stray after this long. */
const STRAY_GRACE_S = 10;
const FLOORS = { ttffP50Ms: 1_500, growthPct: 10 };

/** Set when a browser disappears: the run stops there and says so. */
let gone: string | undefined;
const alive = () => {
  if (gone) throw new Error(gone);
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (msg: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

interface Sample {
  /** Seconds since the measurement started. */
  at: number;
  memory: BrowserMemory;
  jsHeapMB: number;
  nodes: number;
  listeners: number;
}

interface WallPage {
  name: 'steady' | 'churn';
  browser: Browser;
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  procs: BrowserProcs;
  net: NetworkWatch;
  tiles: TileLog;
  samples: Sample[];
  errors: string[];
  /** Peak TCP connections from this browser to our server, the kernel's count. */
  peakSockets: number;
  /** Requests in flight, sampled each second. */
  inFlight: number[];
  cpu0: Record<string, number>;
}

async function openPage(
  name: WallPage['name'],
  server: BenchServer,
  path: string,
  operator: boolean,
): Promise<WallPage> {
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('crash', () => log(`${name}: the page's renderer crashed`));
  page.on('close', () => log(`${name}: the page closed`));
  browser.on('disconnected', () => {
    log(`${name}: Chromium went away`);
    gone = `${name}: Chromium went away (crashed, or killed from outside)`;
  });
  await page.addInitScript({ content: PROBE_SCRIPT });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const net = new NetworkWatch(cdp, new URL(server.url).host);
  await net.start();
  const procs = await BrowserProcs.attach(browser, name);
  const w: WallPage = {
    name,
    browser,
    context,
    page,
    cdp,
    procs,
    net,
    tiles: new TileLog(),
    samples: [],
    errors,
    peakSockets: 0,
    inFlight: [],
    cpu0: {},
  };
  if (operator) await loginAs(page, server.url, 'operator');
  await page.goto(`${server.url}${path}`);
  return w;
}

/** A page that does not answer within a minute is reported, not waited for forever. */
function within<T>(what: string, p: Promise<T>, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function drain(w: WallPage): Promise<number> {
  const { now, events } = (await within(
    `${w.name}: drain`,
    w.page.evaluate('window.__videoBench.drain()'),
  )) as {
    now: number;
    events: TileEvent[];
  };
  w.tiles.add(events);
  return now;
}

const snapshot = (w: WallPage) =>
  within(`${w.name}: tiles`, w.page.evaluate('window.__videoBench.tiles()')) as Promise<
    TileSnapshot[]
  >;

async function waitPlaying(w: WallPage, cameras: string[], timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    alive();
    const tiles = await snapshot(w);
    if (
      tiles.length === TILES &&
      tiles.every((t, i) => t.camera === cameras[i] && t.state === 'playing')
    )
      return performance.now() - t0;
    await sleep(250);
  }
  const tiles = await snapshot(w);
  const n = w.net.summary();
  log(
    `${w.name}: not all playing after ${timeoutMs / 1000} s: ${tiles.map((t) => `${t.camera}=${t.state}@${t.currentTime.toFixed(1)}`).join(' ')}; ` +
      `requests ${n.requests} (${n.playlists} playlists, ${n.segments} segments, ${n.failed} failed), ${w.net.inFlight()} in flight`,
  );
  return NaN;
}

async function sample(w: WallPage, at: number): Promise<Sample> {
  const t0 = performance.now();
  try {
    return await sampleNow(w, at);
  } finally {
    const ms = performance.now() - t0;
    if (ms > 5_000) log(`${w.name}: a memory sample took ${f1(ms / 1000)} s`);
  }
}

async function sampleNow(w: WallPage, at: number): Promise<Sample> {
  const { metrics } = await within(`${w.name}: metrics`, w.cdp.send('Performance.getMetrics'));
  const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
  const s: Sample = {
    at,
    memory: await within(`${w.name}: memory`, w.procs.memory()),
    jsHeapMB: (m.JSHeapUsedSize ?? 0) / 2 ** 20,
    nodes: m.Nodes ?? 0,
    listeners: m.JSEventListeners ?? 0,
  };
  w.samples.push(s);
  return s;
}

/** The mean of a page's regular samples in (from, to] seconds. */
function windowMean(w: WallPage, from: number, to: number) {
  const xs = w.samples.filter((s) => s.at > from && s.at <= to + 0.5);
  const mean = (f: (s: Sample) => number) => xs.reduce((a, s) => a + f(s), 0) / xs.length;
  return {
    n: xs.length,
    rendererRss: mean((s) => s.memory.renderer.rssMB),
    rendererPrivate: mean((s) => s.memory.renderer.privateMB),
    gpuPrivate: mean((s) => s.memory.gpu.privateMB),
    totalPss: mean((s) => s.memory.total.pssMB),
    jsHeap: mean((s) => s.jsHeapMB),
    nodes: mean((s) => s.nodes),
    listeners: mean((s) => s.listeners),
  };
}

function pushClient(url: string, token: string) {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    transports: ['websocket'],
    auth: { token },
  });
  return {
    socket,
    push(cameraIds: string[]): Promise<void> {
      return new Promise((resolve, reject) => {
        socket
          .timeout(10_000)
          .emit(
            'wall:push',
            { target: CHURN_WALL, command: { kind: 'cameras', cameraIds } },
            (err: Error | null, result) => {
              if (err) reject(err);
              else if (!result.ok) reject(new Error(`wall:push ${result.status} ${result.error}`));
              else resolve();
            },
          );
      });
    },
  };
}

const pct = (a: number, b: number) => ((b - a) / a) * 100;
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const signed = (x: number) => (x >= 0 ? '+' : '') + f1(x);

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(fmt(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const l of rows) console.log(fmt(l));
}

async function main(): Promise<void> {
  const started = performance.now();
  const cameras = demoCity().cameras.map((c) => c.id);
  if (cameras.length < 3 * TILES) throw new Error(`need ${3 * TILES} demo cameras`);
  const steadySet = cameras.slice(0, TILES);
  const churnSets = [cameras.slice(TILES, 2 * TILES), cameras.slice(2 * TILES, 3 * TILES)];
  console.log(
    `video bench: two wall pages of ${TILES} tiles (4x4) for ${opts.minutes} min in headless Chromium, ` +
      `one Chromium each; the churn page gets a push of ${TILES} other cameras every ${opts.churnS} s; ` +
      `memory read at ${opts.markMin} min and at the end; load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} on ${cpus().length} cores`,
  );
  const webDir = mkdtempSync(join(tmpdir(), 'citybrain-bench-video-build-'));
  let server: BenchServer | undefined;
  const pages: WallPage[] = [];
  let pusher: ReturnType<typeof pushClient> | undefined;
  try {
    log('building the web app (vite)');
    const build = spawnSync(
      join(ROOT, 'node_modules/.bin/vite'),
      ['build', '--logLevel', 'error', '--outDir', webDir, '--emptyOutDir'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (build.status !== 0) throw new Error(`vite build failed (${build.status})`);
    server = await startBenchServer(webDir);
    const port = Number(new URL(server.url).port);
    log(`server at ${server.url}, demo origin at ${server.originUrl}`);

    const wallUrl = (ids: string[]) =>
      `/wall?rotate=0&layout=16&cameras=${ids.join(',')}&hold=${Math.ceil(opts.minutes * 60 * 2)}`;
    // One page at a time, as a wall starts: its first sixteen players are not racing the other's.
    log('steady page: opening');
    const steady = await openPage(
      'steady',
      server,
      `${wallUrl(steadySet)}&device=demo-wall-device-token`,
      false,
    );
    pages.push(steady);
    const steadyMs = await waitPlaying(steady, steadySet, 120_000);
    log(`steady page: 16/16 playing ${f1(steadyMs / 1000)} s after navigation`);
    log('churn page: signing in as operator, opening');
    const churn = await openPage('churn', server, wallUrl(churnSets[0]!), true);
    pages.push(churn);
    const churnMs = await waitPlaying(churn, churnSets[0]!, 120_000);
    log(`churn page: 16/16 playing ${f1(churnMs / 1000)} s after navigation`);
    steady.net.shows(steadySet, 0);
    churn.net.shows(churnSets[0]!, 0);

    for (const w of pages) {
      const procs = await w.procs.processes();
      log(`${w.name}: Chromium processes ${procs.map((p) => `${p.type}:${p.pid}`).join(' ')}`);
    }

    pusher = pushClient(server.url, await login(server.url, 'duty'));
    await new Promise<void>((resolve, reject) => {
      pusher!.socket.once('connect', () => resolve());
      pusher!.socket.once('connect_error', reject);
    });

    // The measurement: samples, pushes half-way between readings, sockets every second.
    const t0 = performance.now();
    const elapsed = () => (performance.now() - t0) / 1000;
    const end = opts.minutes * 60;
    const mark = opts.markMin * 60;
    for (const w of pages) w.cpu0 = await w.procs.cpu();
    const load0 = loadavg();
    let nextSample = 0;
    let nextPush = opts.churnS / 2;
    let pushes = 0;
    let markDone = false;
    let lastMinute = 0;
    const pushErrors: string[] = [];
    const ticker = setInterval(() => {
      for (const w of pages) {
        w.inFlight.push(w.net.inFlight());
        void w.procs
          .connectionsTo(port)
          .then((n) => (w.peakSockets = Math.max(w.peakSockets, n)))
          .catch(() => undefined);
      }
    }, 1_000);
    try {
      while (elapsed() < end) {
        alive();
        const now = elapsed();
        if (now >= nextPush && nextPush < end - 1) {
          const set = churnSets[(pushes + 1) % 2]!;
          pushes++;
          nextPush += opts.churnS;
          churn.net.shows(set, STRAY_GRACE_S);
          const sent = performance.now();
          await pusher.push(set).catch((e: Error) => pushErrors.push(e.message));
          if (performance.now() - sent > 5_000)
            log(`push ${pushes}: acknowledged after ${f1((performance.now() - sent) / 1000)} s`);
        }
        if (!markDone && now >= mark) {
          markDone = true;
          for (const w of pages) await sample(w, now);
          const [s, c] = pages.map((w) => w.samples.at(-1)!);
          log(
            `${opts.markMin} min: renderer RSS steady ${f0(s!.memory.renderer.rssMB)} MB, churn ${f0(c!.memory.renderer.rssMB)} MB; ${pushes} pushes`,
          );
          nextSample = now + opts.sampleS;
        }
        if (now >= nextSample) {
          for (const w of pages) {
            await drain(w);
            await sample(w, now);
          }
          nextSample += opts.sampleS;
          if (Math.floor(now / 60) > lastMinute) {
            lastMinute = Math.floor(now / 60);
            const line = await Promise.all(
              pages.map(async (w) => {
                const tiles = await snapshot(w);
                const s = w.samples.at(-1)!;
                return `${w.name} ${tiles.filter((t) => t.state === 'playing').length}/${TILES} playing, renderer RSS ${f0(s.memory.renderer.rssMB)} MB, ${w.tiles.stalls} stalls`;
              }),
            );
            log(
              `${f1(now / 60)} min: ${line.join('; ')}; ${pushes} pushes; load ${f1(loadavg()[0]!)}`,
            );
          }
        }
        const wake = Math.min(nextSample, nextPush, end, markDone ? end : mark);
        await sleep(Math.max(0.05, wake - elapsed()) * 1000);
      }
      for (const w of pages) {
        await drain(w);
        await sample(w, elapsed());
      }
    } finally {
      clearInterval(ticker);
    }
    const seconds = elapsed();
    const cpu = await Promise.all(pages.map((w) => w.procs.cpu()));
    const load1 = loadavg();
    // At the end: every tile's state.
    const finalTiles = await Promise.all(pages.map(snapshot));
    // Frames decoded over two seconds: the pictures are moving.
    await sleep(2_000);
    const later = await Promise.all(pages.map(snapshot));
    const frameRate = later.map((tiles, i) =>
      tiles.reduce((a, t, j) => a + t.frames - (finalTiles[i]![j]?.frames ?? 0), 0),
    );
    for (const w of pages) await drain(w);

    // ---- figures ----
    console.log('');
    const frames = pages.flatMap((w) => w.tiles.firstFrames);
    const starts = frames.filter((f) => f.kind === 'start').map((f) => f.ms);
    const sorted = [...starts].sort((a, b) => a - b);
    const p50 = quantile(sorted, 0.5);
    const p95 = quantile(sorted, 0.95);
    console.log(
      `Time to first frame (player start to first 'playing'), ${sorted.length} starts: ` +
        `p50 ${f0(p50)} ms, p95 ${f0(p95)} ms, max ${f0(sorted.at(-1) ?? NaN)} ms`,
    );
    for (const w of pages) {
      const own = w.tiles.firstFrames.filter((f) => f.kind === 'start').map((f) => f.ms);
      const first = own.slice(0, TILES).sort((a, b) => a - b);
      const rest = own.slice(TILES).sort((a, b) => a - b);
      const retries = w.tiles.firstFrames.filter((f) => f.kind === 'retry').length;
      console.log(
        `  ${w.name}: first ${first.length} p50/p95 ${f0(quantile(first, 0.5))}/${f0(quantile(first, 0.95))} ms` +
          (rest.length
            ? `; ${rest.length} after pushes p50/p95 ${f0(quantile(rest, 0.5))}/${f0(quantile(rest, 0.95))} ms`
            : '') +
          `; ${retries} restarts after an error or freeze`,
      );
    }

    console.log(
      `\nMemory: mean of the samples over the ${opts.churnS} s before ${opts.markMin} min and before the end ` +
        `(${f1(seconds / 60)} min); renderer = the page's renderer process; private = pages only it maps`,
    );
    const memRows: string[][] = [];
    const growth: Record<string, { rss: number; priv: number }> = {};
    for (const w of pages) {
      const a = windowMean(w, mark - opts.churnS, mark);
      const b = windowMean(w, seconds - opts.churnS, seconds);
      growth[w.name] = {
        rss: pct(a.rendererRss, b.rendererRss),
        priv: pct(a.rendererPrivate, b.rendererPrivate),
      };
      const row = (what: string, x: number, y: number, unit = 'MB') => [
        w.name,
        what,
        `${f1(x)} ${unit}`,
        `${f1(y)} ${unit}`,
        `${signed(pct(x, y))}%`,
      ];
      memRows.push(
        row('renderer RSS', a.rendererRss, b.rendererRss),
        row('renderer private', a.rendererPrivate, b.rendererPrivate),
        row('GPU process private', a.gpuPrivate, b.gpuPrivate),
        row('whole browser PSS', a.totalPss, b.totalPss),
        row('JS heap used', a.jsHeap, b.jsHeap),
        row('DOM nodes', a.nodes, b.nodes, ''),
        row('JS event listeners', a.listeners, b.listeners, ''),
      );
    }
    printTable(['page', 'memory', `at ${opts.markMin} min`, 'at the end', 'growth'], memRows);
    for (const w of pages) {
      const xs = w.samples;
      const peak = Math.max(...xs.map((s) => s.memory.renderer.rssMB));
      const renderers = Math.max(...xs.map((s) => s.memory.renderers));
      console.log(
        `  ${w.name}: renderer RSS over the run ${xs.map((s) => f0(s.memory.renderer.rssMB)).join(' ')} MB ` +
          `(peak ${f0(peak)}; ${renderers} renderer process${renderers > 1 ? 'es' : ''} in its browser)`,
      );
    }

    console.log('\nPlayback');
    const playRows: string[][] = [];
    for (const [i, w] of pages.entries()) {
      const tiles = finalTiles[i]!;
      const playing = tiles.filter((t) => t.state === 'playing' && t.hasVideo).length;
      const tileHours = w.tiles.playingSeconds() / 3600;
      const dropped = tiles.reduce((a, t) => a + t.dropped, 0);
      const decoded = tiles.reduce((a, t) => a + t.frames, 0);
      playRows.push([
        w.name,
        `${playing}/${TILES}`,
        String(w.tiles.stalls),
        f1(tileHours),
        f1(w.tiles.stalls / tileHours),
        `${w.tiles.reconnects}/${w.tiles.offline}`,
        f1(frameRate[i]! / 2 / TILES),
        decoded ? `${f1((dropped / decoded) * 100)}%` : '–',
        String(w.errors.length),
      ]);
    }
    printTable(
      [
        'page',
        'playing at end',
        'stalls',
        'tile-hours playing',
        'stalls per tile-hour',
        'reconnecting/offline',
        'fps per tile at end',
        'dropped frames',
        'page errors',
      ],
      playRows,
    );
    const churned = churn.tiles.pushes().filter((p) => p.tiles === TILES);
    const pushRuns = churned.slice(1); // the first is the page's own preset
    const ready = pushRuns
      .map((p) => p.allPlayingMs)
      .filter((x): x is number => x !== undefined)
      .sort((a, b) => a - b);
    console.log(
      `  churn: ${pushes} pushes sent (${pushErrors.length} refused), ${pushRuns.length} seen by the page; ` +
        `all 16 playing after ${ready.length} of them, in p50 ${f0(quantile(ready, 0.5))} ms / max ${f0(ready.at(-1) ?? NaN)} ms from the tiles changing camera`,
    );
    for (const w of pages)
      if (w.errors.length) log(`${w.name} page errors: ${w.errors.slice(0, 5).join(' | ')}`);
    if (pushErrors.length) log(`push errors: ${pushErrors.slice(0, 3).join(' | ')}`);

    console.log(`\nConnections to our server (HTTP/1.1; Chromium allows 6 per host)`);
    const netRows = pages.map((w) => {
      const n: NetworkSummary = w.net.summary();
      const inFlight = [...w.inFlight].sort((a, b) => a - b);
      return [
        w.name,
        String(w.peakSockets),
        String(n.connections),
        `${n.peakInFlight} / ${f0(quantile(inFlight, 0.5))} / ${f0(quantile(inFlight, 0.99))}`,
        `${f1(n.waitMs.p50)} / ${f1(n.waitMs.p95)} / ${f0(n.waitMs.max)}`,
        `${n.playlists}/${n.segments}/${n.requests - n.playlists - n.segments}`,
        String(n.failed),
        w.name === 'churn' ? String(n.strays) : '–',
      ];
    });
    printTable(
      [
        'page',
        'TCP conns peak (kernel)',
        'connections used (CDP)',
        'in flight peak / p50 / p99',
        'wait to send p50/p95/max ms',
        'playlists/segments/other',
        'failed',
        'stray requests',
      ],
      netRows,
    );

    console.log(
      `\nCPU over the run (% of one core; load average ${load0.map((x) => x.toFixed(1)).join(' ')} → ${load1
        .map((x) => x.toFixed(1))
        .join(' ')})`,
    );
    for (const [i, w] of pages.entries()) {
      const used = Object.entries(cpu[i]!)
        .map(([k, v]) => [k, ((v - (w.cpu0[k] ?? 0)) / seconds) * 100] as const)
        .filter(([, v]) => v >= 0.5)
        .map(([k, v]) => `${k} ${f0(v)}`);
      console.log(`  ${w.name}: ${used.join(', ')}`);
    }

    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    const playingOk = finalTiles.every(
      (tiles) => tiles.filter((t) => t.state === 'playing' && t.hasVideo).length === TILES,
    );
    const growthOk = Object.values(growth).every(
      (g) => g.rss <= FLOORS.growthPct && g.priv <= FLOORS.growthPct,
    );
    console.log('\nFloors');
    console.log(
      `  ${verdict(p50 <= FLOORS.ttffP50Ms)}  time to first frame p50 ${f0(p50)} ms <= ${FLOORS.ttffP50Ms} ms (p95 ${f0(p95)} ms)`,
    );
    console.log(
      `  ${verdict(growthOk)}  renderer memory growth ${opts.markMin} min → end <= ${FLOORS.growthPct}%: ` +
        Object.entries(growth)
          .map(([k, g]) => `${k} RSS ${signed(g.rss)}%, private ${signed(g.priv)}%`)
          .join('; '),
    );
    console.log(
      `  ${verdict(playingOk && ready.length === pushRuns.length)}  16/16 tiles playing: ` +
        finalTiles
          .map(
            (t, i) =>
              `${pages[i]!.name} ${t.filter((x) => x.state === 'playing' && x.hasVideo).length}/${TILES}`,
          )
          .join(', ') +
        `; every push reached 16/16 (${ready.length}/${pushRuns.length})`,
    );
    console.log(`\ndone in ${f0((performance.now() - started) / 1000)} s`);
    // The figures are out: closing the browsers (which reports them gone) and the server follows.
    finished = true;
    // ...and is given 20 s, so a hung close cannot hold CI.
    setTimeout(() => process.exit(0), 20_000).unref();
  } finally {
    pusher?.socket.close();
    for (const w of pages) {
      await w.procs.detach();
      await w.browser.close().catch(() => undefined);
    }
    await server?.stop();
    rmSync(webDir, { recursive: true, force: true });
  }
}

let finished = false;
// Stopped from outside (another job's cleanup, Ctrl-C): say so, then stop at the next step.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => {
    log(`received ${signal}`);
    gone ??= `stopped by ${signal}`;
  });
// A promise that can no longer settle (a browser gone mid-call) would let Node exit quietly with 0.
process.on('beforeExit', () => {
  if (finished) return;
  console.error(`the run stopped before its end${gone ? `: ${gone}` : ''}`);
  process.exit(1);
});
main()
  .then(() => (finished = true))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
