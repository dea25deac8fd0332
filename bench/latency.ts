/**
 * Live latency benchmark: a wall page of sixteen tiles in headless Chromium against the real
 * server and its demo origin (Low-Latency HLS cut as MediaMTX cuts it: segments of 1 s, parts of
 * 0.2 s), in two modes one after the other in the same run:
 *
 * - plain HLS: the page over HTTP/1.1, its players without low-latency mode (1 s segments, three
 *   segments behind the edge), as every wall ran before;
 * - LL-HLS: the page over HTTP/2 (TLS, a certificate of a CA made for the run), its players in
 *   low-latency mode (parts, blocking reloads, preload hints), all on one connection.
 *
 * Each tile's latency is read once a second from the page, as the tile shows it: the wall clock
 * minus the program date time of the frame on screen. The first 20 s of each mode (starting
 * sixteen players) are not counted. Prints p50/p95/max over all tiles and seconds, each tile's
 * median, stalls per tile-minute, the share of seconds read amber or red, and the connections the
 * page opened to our server. Then the goal: LL-HLS p50 <= 2 s and p95 <= 3.5 s, plain p50 <= 5 s.
 *
 *   npm run bench:latency                       # 16 tiles, 5 minutes a mode
 *   npm run bench:latency -- --smoke            # 16 tiles, 30 s a mode (CI)
 *   npm run bench:latency -- --tiles 4 --minutes 2
 *   npm run bench:latency -- --mode ll --minutes 1   # one mode alone
 *   npm run bench:latency -- --mode ll --part-fragments 2   # parts of 0.4 s
 *
 * Playwright drives the page (its network bookkeeping costs the renderer a little, the same in
 * both modes). Exits non-zero only if something crashed or a mode never played.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { parseArgs } from 'node:util';
import { launchBrowser } from '../tests/support/browser.js';
import { demoCity } from '../tests/support/server.js';
import { makeCertificates } from '../fixtures/scripts/demo-certificates.js';
import { buildWebInto, startBenchServer } from './web/server.js';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    minutes: { type: 'string' },
    tiles: { type: 'string' },
    /** One mode alone, for trying a player setting: `ll` or `hls`. */
    mode: { type: 'string' },
    /** Fragments of 0.2 s a part on the demo origin (1: parts of 0.2 s, 2: 0.4 s). */
    'part-fragments': { type: 'string' },
  },
});
const partFragments = args['part-fragments'];
const minutes = Number(args.minutes ?? (args.smoke ? 0.5 : 5));
const tileCount = Number(args.tiles ?? 16);
if (!(minutes > 0) || ![1, 4, 9, 16].includes(tileCount)) {
  throw new Error('--minutes must be positive and --tiles one of 1, 4, 9, 16');
}
if (args.mode !== undefined && args.mode !== 'll' && args.mode !== 'hls') {
  throw new Error('--mode is ll or hls (both when not given)');
}
const WARMUP_S = 20;
const log = (line: string) => console.error(`[bench:latency] ${line}`);

interface ModeResult {
  mode: string;
  readings: number[];
  perTile: Map<string, number[]>;
  stalls: number;
  levels: { amber: number; red: number };
  connections: string[];
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;

async function runMode(mode: 'hls' | 'll', webDir: string): Promise<ModeResult> {
  const tls = mode === 'll' ? makeCertificates() : undefined;
  const server = await startBenchServer(webDir, {
    ...(tls ? { TLS_CERT: tls.certFile, TLS_KEY: tls.keyFile } : {}),
    ...(partFragments ? { DEMO_ORIGIN_PART_FRAGMENTS: partFragments } : {}),
  });
  const connections: string[] = [];
  server.http.on('secureConnection', (s: TLSSocket) => connections.push(String(s.alpnProtocol)));
  server.http.on('connection', () => mode === 'hls' && connections.push('http/1.1'));
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1920, height: 1080 },
    });
    const page = await context.newPage();
    const ids = demoCity()
      .cameras.slice(0, tileCount)
      .map((c) => c.id);
    const layout = tileCount === 1 ? 1 : tileCount;
    await page.goto(
      `${server.url}/wall?device=demo-wall-device-token&rotate=0&layout=${layout}&cameras=${ids.join(',')}`,
    );
    const result: ModeResult = {
      mode,
      readings: [],
      perTile: new Map(ids.map((id) => [id, []])),
      stalls: 0,
      levels: { amber: 0, red: 0 },
      connections,
    };
    const seconds = WARMUP_S + minutes * 60;
    let startStalls = 0;
    for (let s = 1; s <= seconds; s++) {
      await page.waitForTimeout(1_000);
      const tiles = await page.$$eval('[data-tile]', (els) =>
        els.map((e) => ({
          camera: e.getAttribute('data-camera') ?? '',
          state: e.getAttribute('data-state'),
          mode: e.getAttribute('data-mode'),
          latency: Number(e.getAttribute('data-latency') ?? NaN),
          level: e.getAttribute('data-latency-level'),
          stalls: Number(e.getAttribute('data-stalls') ?? 0),
        })),
      );
      const stalls = tiles.reduce((a, t) => a + t.stalls, 0);
      if (s === WARMUP_S) {
        startStalls = stalls;
        const modes = new Set(tiles.map((t) => t.mode));
        const playing = tiles.filter((t) => t.state === 'playing').length;
        log(
          `${mode}: ${playing}/${tileCount} playing after ${WARMUP_S} s, players in mode ${[...modes]}`,
        );
      }
      if (s <= WARMUP_S) continue;
      result.stalls = stalls - startStalls;
      for (const t of tiles) {
        if (t.state !== 'playing' || !Number.isFinite(t.latency)) continue;
        result.readings.push(t.latency);
        result.perTile.get(t.camera)?.push(t.latency);
        if (t.level === 'amber') result.levels.amber++;
        if (t.level === 'red') result.levels.red++;
      }
      if (s % 60 === 0) log(`${mode}: ${Math.round((s - WARMUP_S) / 60)} min`);
    }
    await context.close();
    return result;
  } finally {
    await browser.close();
    await server.stop();
  }
}

function report(r: ModeResult): { p50: number; p95: number } {
  const sorted = [...r.readings].sort((a, b) => a - b);
  const p50 = quantile(sorted, 0.5);
  const p95 = quantile(sorted, 0.95);
  const medians = [...r.perTile.values()].map((v) =>
    quantile(
      [...v].sort((a, b) => a - b),
      0.5,
    ),
  );
  const name = r.mode === 'll' ? 'LL-HLS over HTTP/2' : 'plain HLS over HTTP/1.1';
  console.log(`\n${name}: ${sorted.length} readings of ${tileCount} tiles over ${minutes} min`);
  console.log(
    `  latency p50 ${p50.toFixed(2)} s, p95 ${p95.toFixed(2)} s, max ${sorted.at(-1)?.toFixed(2)} s`,
  );
  console.log(`  per-tile medians: ${medians.map((m) => m.toFixed(1)).join(' ')}`);
  console.log(
    `  stalls ${(r.stalls / tileCount / minutes).toFixed(2)} per tile-minute; ` +
      `readout amber ${pct(r.levels.amber, sorted.length)}, red ${pct(r.levels.red, sorted.length)}`,
  );
  const counts = new Map<string, number>();
  for (const c of r.connections) counts.set(c, (counts.get(c) ?? 0) + 1);
  console.log(
    `  connections to our server: ${[...counts].map(([p, n]) => `${n} ${p}`).join(', ') || 'none'}` +
      (r.mode === 'll' ? ' (HTTP/1.1: Socket.IO’s WebSocket)' : ''),
  );
  return { p50, p95 };
}

const pct = (n: number, of: number) => `${of ? ((100 * n) / of).toFixed(1) : '0.0'} %`;

const webDir = mkdtempSync(join(tmpdir(), 'citybrain-bench-latency-build-'));
try {
  log('building the web app (vite)');
  buildWebInto(webDir);
  log(`${tileCount} tiles, ${minutes} min a mode after ${WARMUP_S} s of start`);
  const plain = args.mode === 'll' ? undefined : await runMode('hls', webDir);
  const ll = args.mode === 'hls' ? undefined : await runMode('ll', webDir);
  const p = plain && report(plain);
  const l = ll && report(ll);
  if ([plain, ll].some((r) => r && !r.readings.length)) {
    console.error('a mode never played');
    process.exitCode = 1;
  }
  const goals = [
    l &&
      `LL-HLS p50 <= 2 s ${l.p50 <= 2 ? 'MET' : 'NOT MET'} (${l.p50.toFixed(2)}), ` +
        `p95 <= 3.5 s ${l.p95 <= 3.5 ? 'MET' : 'NOT MET'} (${l.p95.toFixed(2)})`,
    p && `plain HLS p50 <= 5 s ${p.p50 <= 5 ? 'MET' : 'NOT MET'} (${p.p50.toFixed(2)})`,
  ];
  console.log(`\ngoal: ${goals.filter(Boolean).join('; ')}`);
} finally {
  rmSync(webDir, { recursive: true, force: true });
}
