/**
 * Video wall benchmark: two wall pages of sixteen live tiles each, in headless Chromium, for 20
 * minutes each, one after the other, against the real server and its demo camera origin.
 *
 * - the steady page shows the same sixteen cameras all along (its URL preset);
 * - the churn page is pushed, through the product's own path (Socket.IO `wall:push` from a duty
 *   officer, addressed to the page's wall name), alternately two other sets of sixteen cameras
 *   every minute, so all sixteen players are torn down and recreated each time; it is the proof
 *   that teardown gives the memory back.
 *
 * Each page has the machine to itself while it runs, as each wall has its own PC: sixteen
 * software-decoded pictures already take most of these two cores.
 *
 * Prints: time to first frame p50/p95 (every first frame: each page's first sixteen and every
 * tile of every push), each page's memory at 5 minutes and at the end with the growth (renderer
 * RSS and private memory from /proc, the GPU process and the whole browser, the JS heap, DOM
 * nodes and listeners from CDP), stalls per tile-hour, tiles playing at the end, how the pushes
 * went (time until all sixteen played, requests for cameras no longer shown), the connections
 * each page used to our server (the kernel's count of TCP connections; from the page's Resource
 * Timing, requests in flight and how long they waited to be sent), CPU; and PASS/FAIL against the
 * floors: TTFF p50 <= 1.5 s, renderer memory growth <= 10% on both pages, 16/16 playing.
 *
 *   npm run bench:video                         # 2 x 20 minutes, a push a minute
 *   npm run bench:video -- --smoke              # 2 x 1.5 minutes, a push every 20 s (CI)
 *   npm run bench:video -- --minutes 10 --churn-seconds 30
 *
 * Other flags: --sample-seconds S (memory and CDP metrics, default 15; 5 in a smoke run),
 * --mark-minutes M (the first memory reading; default 5, or a quarter of the run if shorter).
 *
 * Each page runs in its own Chromium, driven over the DevTools pipe with no Playwright attached
 * (see bare-chromium.ts: Playwright's own network tracking would keep every segment's body in the
 * renderer), so its renderer, GPU process and network service (and its six connections per host)
 * are its own and their memory is the page's alone. The renderer's allocators are read from
 * Chromium's memory-infra at both readings, to show where any growth sits. A memory reading
 * "at 5 minutes" is the mean of the samples over the last push cycle before it, so the churn page
 * is compared with itself at the same point of its cycle; pushes fall half-way between readings.
 * No GC is forced: the figures are what a wall would hold.
 * Exits non-zero only if something crashed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import {
  WIRE_VERSION,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../shared/index.js';
import { demoCity, login } from '../tests/support/server.js';
import { allocatorGrowth, dumpAllocators, type AllocatorSizes } from './video/allocators.js';
import { BareChromium, type BarePage } from './video/bare-chromium.js';
import { NetworkWatch, quantile, type NetworkSummary, type RequestEntry } from './video/network.js';
import { PROBE_SCRIPT, type TileEvent, type TileSnapshot } from './video/probe.js';
import { BrowserProcs, type BrowserMemory } from './video/procs.js';
import { TileLog } from './video/tiles.js';
import { buildWebInto, startBenchServer, type BenchServer } from './web/server.js';

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
  browser: BareChromium;
  page: BarePage;
  procs: BrowserProcs;
  net: NetworkWatch;
  tiles: TileLog;
  samples: Sample[];
  errors: string[];
  /** Peak TCP connections from this browser to our server, the kernel's count. */
  peakSockets: number;
  /** What the measurement found, once it is over. */
  run?: PageRun;
  /** The renderer's allocators at the first memory reading and at the end. */
  allocators: AllocatorSizes[];
}

interface PageRun {
  seconds: number;
  /** CPU seconds by process type, at the start and at the end. */
  cpu: [Record<string, number>, Record<string, number>];
  load: [number[], number[]];
  finalTiles: TileSnapshot[];
  /** Frames all tiles decoded in the two seconds after the end: the pictures still move. */
  framesIn2s: number;
  pushes: number;
  pushErrors: string[];
}

interface Pushes {
  pusher: ReturnType<typeof pushClient>;
  /** Pushed in turn, the first one after the page's own preset. */
  sets: string[][];
}

/**
 * One page's measurement: samples every few seconds, the memory reading at the mark, a push
 * half-way between readings when `pushes` is given, the connections counted every second.
 */
async function measure(w: WallPage, port: number, pushes?: Pushes): Promise<void> {
  const end = opts.minutes * 60;
  const mark = opts.markMin * 60;
  // A first dump before the readings, so what tracing sets up once is not counted as growth.
  await readAllocators(w);
  w.allocators.pop();
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const cpu0 = await w.procs.cpu();
  const load0 = loadavg();
  let nextSample = 0;
  let nextPush = pushes ? opts.churnS / 2 : Infinity;
  let pushed = 0;
  let markDone = false;
  let lastMinute = 0;
  const pushErrors: string[] = [];
  const ticker = setInterval(() => {
    void w.procs
      .connectionsTo(port)
      .then((n) => (w.peakSockets = Math.max(w.peakSockets, n)))
      .catch(() => undefined);
  }, 1_000);
  try {
    while (elapsed() < end) {
      alive();
      const now = elapsed();
      if (pushes && now >= nextPush && nextPush < end - 1) {
        const set = pushes.sets[(pushed + 1) % pushes.sets.length]!;
        pushed++;
        nextPush += opts.churnS;
        await drain(w); // so the requests before the push are judged against the cameras before it
        w.net.shows(set, STRAY_GRACE_S);
        const sent = performance.now();
        await pushes.pusher.push(set).catch((e: Error) => pushErrors.push(e.message));
        if (performance.now() - sent > 5_000)
          log(`push ${pushed}: acknowledged after ${f1((performance.now() - sent) / 1000)} s`);
      }
      if (!markDone && now >= mark) {
        markDone = true;
        const s = await sample(w, now);
        await readAllocators(w);
        log(`${w.name}: ${opts.markMin} min: renderer RSS ${f0(s.memory.renderer.rssMB)} MB`);
        nextSample = now + opts.sampleS;
      }
      if (now >= nextSample) {
        await drain(w);
        const s = await sample(w, now);
        nextSample += opts.sampleS;
        if (Math.floor(now / 60) > lastMinute) {
          lastMinute = Math.floor(now / 60);
          const tiles = await snapshot(w);
          log(
            `${w.name}: ${f1(now / 60)} min: ${tiles.filter((t) => t.state === 'playing').length}/${TILES} playing, ` +
              `renderer RSS ${f0(s.memory.renderer.rssMB)} MB, ${w.tiles.stalls} stalls` +
              (pushes ? `, ${pushed} pushes` : '') +
              `; load ${f1(loadavg()[0]!)}`,
          );
        }
      }
      const wake = Math.min(nextSample, nextPush, end, markDone ? end : mark);
      await sleep(Math.max(0.05, wake - elapsed()) * 1000);
    }
    await drain(w);
    await sample(w, elapsed());
  } finally {
    clearInterval(ticker);
  }
  const seconds = elapsed();
  const cpu1 = await w.procs.cpu();
  const load1 = loadavg();
  await readAllocators(w);
  const finalTiles = await snapshot(w);
  await sleep(2_000);
  const later = await snapshot(w);
  await drain(w);
  w.run = {
    seconds,
    cpu: [cpu0, cpu1],
    load: [load0, load1],
    finalTiles,
    framesIn2s: later.reduce((a, t, j) => a + t.frames - (finalTiles[j]?.frames ?? 0), 0),
    pushes: pushed,
    pushErrors,
  };
}

async function openPage(
  name: WallPage['name'],
  server: BenchServer,
  path: string,
  operator: boolean,
): Promise<WallPage> {
  const size = { width: 1920, height: 1080 };
  const browser = BareChromium.launch(size);
  browser.onExit(() => {
    log(`${name}: Chromium went away`);
    gone ??= `${name}: Chromium went away (crashed, or killed from outside)`;
  });
  const page = await browser.page(size);
  const cdp = page.cdp;
  cdp.on('Inspector.targetCrashed', () => log(`${name}: the page's renderer crashed`));
  await cdp.send('Inspector.enable');
  await page.addInitScript(PROBE_SCRIPT);
  await cdp.send('Performance.enable');
  const w: WallPage = {
    name,
    browser,
    page,
    procs: new BrowserProcs(browser.browser),
    net: new NetworkWatch(),
    tiles: new TileLog(),
    samples: [],
    errors: [],
    peakSockets: 0,
    allocators: [],
  };
  if (operator) await signIn(page, server.url, 'operator');
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

/** Signs in through the login form, as a person would. */
async function signIn(page: BarePage, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  const fill = `(async () => {
    while (!document.querySelector('input[name=password]')) await new Promise((r) => setTimeout(r, 50));
    for (const [name, value] of [['username', ${JSON.stringify(username)}], ['password', 'citybrain-demo']]) {
      const input = document.querySelector('input[name=' + name + ']');
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
    document.querySelector('button[type=submit]').click();
    while (location.pathname.startsWith('/login')) await new Promise((r) => setTimeout(r, 50));
  })()`;
  await within(`signing in as ${username}`, page.evaluate(fill));
}

async function drain(w: WallPage): Promise<void> {
  const { events, errors, requests } = await within(
    `${w.name}: drain`,
    w.page.evaluate<{ events: TileEvent[]; errors: string[]; requests: RequestEntry[] }>(
      'window.__videoBench.drain()',
    ),
  );
  w.tiles.add(events);
  w.net.add(requests);
  w.errors.push(...errors);
}

const snapshot = (w: WallPage) =>
  within(`${w.name}: tiles`, w.page.evaluate<TileSnapshot[]>('window.__videoBench.tiles()'));

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
  await drain(w);
  const n = w.net.summary();
  log(
    `${w.name}: not all playing after ${timeoutMs / 1000} s: ${tiles.map((t) => `${t.camera}=${t.state}@${t.currentTime.toFixed(1)}`).join(' ')}; ` +
      `requests finished ${n.requests} (${n.playlists} playlists, ${n.segments} segments, ${n.failed} failed)`,
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
  const { metrics } = await within(`${w.name}: metrics`, w.page.cdp.send('Performance.getMetrics'));
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

/** A diagnostic: a dump that fails is reported and leaves the run going. */
async function readAllocators(w: WallPage): Promise<void> {
  const { rendererPid } = await w.procs.memory();
  try {
    w.allocators.push(
      await within(`${w.name}: allocators`, dumpAllocators(w.procs.browser, rendererPid)),
    );
  } catch (err) {
    log(`${w.name}: no allocator dump: ${(err as Error).message}`);
    w.allocators.push(new Map());
  }
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
    auth: { token, wire: WIRE_VERSION },
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
              else if (!result.ok)
                reject(
                  new Error(
                    `wall:push ${result.status} ${result.error.code}: ${result.error.message}`,
                  ),
                );
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
    `video bench: two wall pages of ${TILES} tiles (4x4), ${opts.minutes} min each, one after the other, in headless Chromium, ` +
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
    buildWebInto(webDir);
    server = await startBenchServer(webDir);
    const port = Number(new URL(server.url).port);
    log(`server at ${server.url}, demo origin at ${server.originUrl}`);

    const wallUrl = (ids: string[]) =>
      `/wall?rotate=0&layout=16&cameras=${ids.join(',')}&hold=${Math.ceil(opts.minutes * 60 * 2)}`;
    // One page after the other, each alone on the machine, as each wall PC runs its own.
    pusher = pushClient(server.url, await login(server.url, 'duty'));
    await new Promise<void>((resolve, reject) => {
      pusher!.socket.once('connect', () => resolve());
      pusher!.socket.once('connect_error', reject);
    });
    const churnPushes = { pusher, sets: churnSets };
    for (const [name, cameras, path, operator] of [
      ['steady', steadySet, `${wallUrl(steadySet)}&device=demo-wall-device-token`, false],
      ['churn', churnSets[0]!, wallUrl(churnSets[0]!), true],
    ] as const) {
      log(`${name} page: ${operator ? 'signing in as operator, ' : ''}opening`);
      const w = await openPage(name, server, path, operator);
      pages.push(w);
      const ms = await waitPlaying(w, cameras, 120_000);
      log(`${name} page: 16/16 playing ${f1(ms / 1000)} s after navigation`);
      w.net.shows(cameras, 0);
      const procs = await w.procs.processes();
      log(`${name}: Chromium processes ${procs.map((p) => `${p.type}:${p.pid}`).join(' ')}`);
      await measure(w, port, name === 'churn' ? churnPushes : undefined);
      await w.browser.close();
    }
    const churn = pages[1]!;
    const runs = pages.map((w) => w.run!);

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
        `(${runs.map((r) => f1(r.seconds / 60)).join(' and ')} min); renderer = the page's renderer process; private = pages only it maps`,
    );
    const memRows: string[][] = [];
    const growth: Record<string, { rss: number; priv: number }> = {};
    const mark = opts.markMin * 60;
    for (const w of pages) {
      const a = windowMean(w, mark - opts.churnS, mark);
      const end = w.run!.seconds;
      const b = windowMean(w, end - opts.churnS, end);
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

    for (const w of pages) {
      const [before, after] = w.allocators;
      if (!before?.size || !after?.size) continue;
      console.log(
        `  ${w.name}: renderer allocators (Chromium's memory-infra), ${opts.markMin} min → end: ` +
          allocatorGrowth(before, after)
            .map((a) => `${a.name} ${f0(a.before)} → ${f0(a.after)} MB`)
            .join(', '),
      );
    }

    console.log('\nPlayback');
    const playRows: string[][] = [];
    for (const w of pages) {
      const tiles = w.run!.finalTiles;
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
        f1(w.run!.framesIn2s / 2 / TILES),
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
      `  churn: ${churn.run!.pushes} pushes sent (${churn.run!.pushErrors.length} refused), ${pushRuns.length} seen by the page; ` +
        `all 16 playing after ${ready.length} of them, in p50 ${f0(quantile(ready, 0.5))} ms / max ${f0(ready.at(-1) ?? NaN)} ms from the tiles changing camera`,
    );
    for (const w of pages)
      if (w.errors.length) log(`${w.name} page errors: ${w.errors.slice(0, 5).join(' | ')}`);
    const { pushErrors } = churn.run!;
    if (pushErrors.length) log(`push errors: ${pushErrors.slice(0, 3).join(' | ')}`);

    console.log(`\nConnections to our server (HTTP/1.1; Chromium allows 6 per host)`);
    const netRows = pages.map((w) => {
      const n: NetworkSummary = w.net.summary();
      return [
        w.name,
        String(w.peakSockets),
        String(n.newConnections),
        `${n.inFlight.peak} / ${f0(n.inFlight.p50)} / ${f0(n.inFlight.p99)}`,
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
        'requests on a new connection',
        'in flight peak / p50 / p99',
        'wait to send p50/p95/max ms',
        'playlists/segments/other',
        'failed',
        'stray requests',
      ],
      netRows,
    );

    console.log('\nCPU over the run (% of one core)');
    for (const w of pages) {
      const { cpu, load, seconds } = w.run!;
      const used = Object.entries(cpu[1])
        .map(([k, v]) => [k, ((v - (cpu[0][k] ?? 0)) / seconds) * 100] as const)
        .filter(([, v]) => v >= 0.5)
        .map(([k, v]) => `${k} ${f0(v)}`);
      const avg = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
      console.log(
        `  ${w.name}: ${used.join(', ')}; load average ${avg(load[0])} → ${avg(load[1])}`,
      );
    }

    const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
    const playingOk = runs.every(
      ({ finalTiles: tiles }) =>
        tiles.filter((t) => t.state === 'playing' && t.hasVideo).length === TILES,
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
        pages
          .map(
            (w) =>
              `${w.name} ${w.run!.finalTiles.filter((x) => x.state === 'playing' && x.hasVideo).length}/${TILES}`,
          )
          .join(', ') +
        `; every push reached 16/16 (${ready.length}/${pushRuns.length})`,
    );
    console.log(`\ndone in ${f0((performance.now() - started) / 1000)} s`);
    // The figures are out: stopping the server follows, and is given 20 s, so a hung close
    // cannot hold CI.
    finished = true;
    setTimeout(() => process.exit(0), 20_000).unref();
  } finally {
    pusher?.socket.close();
    for (const w of pages) await w.browser.close();
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
