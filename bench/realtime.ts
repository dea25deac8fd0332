/**
 * Realtime benchmark: N Socket.IO clients on the live stream while reports are POSTed at a fixed
 * rate; prints POST-to-client latency, lost and out-of-order deltas, and the server's CPU and
 * RSS, then the same load through a bare Socket.IO broadcast (bench/realtime/baseline-server.ts)
 * as the baseline, and the ratios.
 *
 *   npm run bench:realtime                      # 500 clients, 1,000 reports/s, 30 s
 *   npm run bench:realtime -- --smoke           # 50 clients, 200 reports/s, 5 s (CI)
 *   npm run bench:realtime -- --clients 200 --rate 500 --seconds 10
 *
 * Other flags:
 *   --warmup S             seconds of load before measuring (default 3; 1 with --smoke)
 *   --workers N            client processes (default 2)
 *   --concurrency N        POSTs in flight at most (default 64)
 *   --full-every N         every n-th client is the stock socket.io-client, decoding every delta;
 *                          the others speak the protocol over `ws` and scan the frames' bytes
 *                          (realtime/protocol-client.ts); 0 none, 1 all (default 25)
 *   --client-nice N        nice level of the client processes (default 10), so the server
 *                          gets a core before the simulated dashboards do
 *   --cjk                  Chinese report titles (default ASCII: cheaper for the clients to decode)
 *   --baseline-flush-ms N  baseline batching, as the hub's FLUSH_MS (default 50; 0 = no batching)
 *   --no-baseline, --no-ours   run one side only
 *   --timeline             latency per second of the run, beside the server's longest loop stall,
 *                          GC, sockets held back and commit -> broadcast mean in that second
 *   --scoped N             sub-centre screens (五级联动): N clients logged in as users with a
 *                          region, spread over the demo's streets and communities, each to get
 *                          only its area's deltas, beside --citywide M (default 20) city-wide ones;
 *                          runs the same load three times: scoped, then all N+M screens city-wide
 *                          (the single live room), then bare Socket.IO; checks every report each
 *                          sub-centre screen got, or missed, against its area, worked out here
 *                          from the city's regions (realtime/areas.ts)
 *   --citywide M           the city-wide screens beside --scoped ones (default 20)
 *   --background-load P    a separate process burning P % of one core steadily, in 10 ms slices,
 *                          during both sides' warm-up and measured window: the disturbance of a
 *                          shared machine, the same for both
 *   --cpu-prof DIR, --cpu-prof-clients DIR   V8 CPU profiles of the real server / client groups
 *
 * Everything runs on this machine over 127.0.0.1; the servers and the client groups are separate
 * processes so the server's CPU (/proc/<pid>/stat) and RSS (/proc/<pid>/status) are its own; the
 * servers carry realtime/server-probe.ts for event-loop delay and GC. The table also shows the
 * CPU everything else on the machine used meanwhile: on a shared machine, read it before the
 * latencies. Prints PASS/FAIL against the floor (p99 <= 100 ms, nothing lost or out of order);
 * exits non-zero only if something crashed.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDemoCity } from '../fixtures/index.js';
import { hashPassword } from '../server/auth/passwords.js';
import { plannedAreas, scopedRegions } from './realtime/areas.js';
import { Histogram } from './realtime/histogram.js';
import { keepAliveAgent, pace, type PacerResult } from './realtime/pacer.js';
import { planReports, reportBody, type PlannedReport } from './realtime/plan.js';
import {
  allProcesses,
  machineCpu,
  ProcessWatch,
  selfAndAncestors,
  topOthers,
} from './realtime/proc.js';
import type { ClientGroupResult, FromClients, ScopedSpec, ToClients } from './realtime/protocol.js';
import type { ProbeReading } from './realtime/server-probe.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLIENT_GROUP = fileURLToPath(new URL('./realtime/client-group.ts', import.meta.url));
const BASELINE = fileURLToPath(new URL('./realtime/baseline-server.ts', import.meta.url));
const PROBE = fileURLToPath(new URL('./realtime/server-probe.ts', import.meta.url));
const BACKGROUND = fileURLToPath(new URL('./realtime/background-load.ts', import.meta.url));
const INGEST_KEY = 'demo-ingest-key';
/** The scoped run's own users' password (a config file of the bench's, in demo mode). */
const BENCH_PASSWORD = 'bench-realtime-password';
const FLOOR_P99_MS = 100;

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    clients: { type: 'string' },
    rate: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '64' },
    'full-every': { type: 'string', default: '25' },
    'baseline-flush-ms': { type: 'string', default: '50' },
    'no-baseline': { type: 'boolean', default: false },
    'no-ours': { type: 'boolean', default: false },
    timeline: { type: 'boolean', default: false },
    cjk: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    'cpu-prof-clients': { type: 'string' },
    'client-nice': { type: 'string', default: '10' },
    'background-load': { type: 'string', default: '0' },
    scoped: { type: 'string', default: '0' },
    citywide: { type: 'string', default: '20' },
  },
});
const num = (v: string | undefined, fallback: number, name: string) => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
  return n;
};
const scopedCount = num(args.scoped, 0, 'scoped');
const opts = {
  scoped: scopedCount,
  citywide: scopedCount ? num(args.citywide, 20, 'citywide') : 0,
  clients: scopedCount
    ? scopedCount + num(args.citywide, 20, 'citywide')
    : num(args.clients, args.smoke ? 50 : 500, 'clients'),
  rate: num(args.rate, args.smoke ? 200 : 1000, 'rate'),
  seconds: num(args.seconds, args.smoke ? 5 : 30, 'seconds'),
  warmup: num(args.warmup, args.smoke ? 1 : 3, 'warmup'),
  workers: Math.max(1, num(args.workers, 2, 'workers')),
  concurrency: Math.max(1, num(args.concurrency, 64, 'concurrency')),
  fullEvery: num(args['full-every'], 25, 'full-every'),
  baselineFlushMs: num(args['baseline-flush-ms'], 50, 'baseline-flush-ms'),
  clientNice: num(args['client-nice'], 10, 'client-nice'),
  backgroundLoad: Math.min(100, num(args['background-load'], 0, 'background-load')),
};

if (!(opts.rate > 0 && opts.seconds > 0)) throw new Error('--rate and --seconds must be above 0');

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface RunResult {
  name: string;
  connected: number;
  warmup: PacerResult;
  measured: PacerResult;
  groups: ClientGroupResult[];
  latency: Histogram;
  latencyFull: Histogram;
  latencyScan: Histogram;
  /** The sub-centre screens' latency (every measured delta they got) and the others'. */
  latencyScoped: Histogram;
  latencyCity: Histogram;
  /** Measured reports that opened an incident: each should reach every client once. */
  createdMeasured: number;
  serverCpuPct: number;
  serverPeakRssMiB: number;
  loadGenCpuPct: number;
  /** CPU used on this machine by everything else (other jobs), % of one core. */
  otherCpuPct: number;
  /** CPU of the --background-load process over the window, % of one core (not in otherCpuPct). */
  backgroundCpuPct: number;
  /** Of which kernel softirq (mostly loopback networking), % of one core. */
  softirqPct: number;
  /** The busiest other processes over the window. */
  others: { pid: number; name: string; seconds: number }[];
  elapsedS: number;
  serverLoop: ProbeReading | undefined;
  /** Mean store commit time over the window, from the server's /metrics (ours only). */
  commitMeanMs: number;
  /** Times a socket fell behind and was held back from the live room (ours only). */
  heldBack: number;
  /** With --timeline: the server's /metrics read every second of the window, by epoch second. */
  statsPerSecond: Map<number, ServerStats>;
  pacerLoopDelayP99: number;
  clientLoopDelayP99: number;
  finalSeq: number;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const city = loadDemoCity();
  const grids = city.regions.features.filter((f) => f.properties.level === 'grid');
  const warmupCount = Math.round(opts.rate * opts.warmup);
  const measuredCount = Math.round(opts.rate * opts.seconds);
  const plan = planReports(grids, warmupCount + measuredCount, { cjk: args.cjk });
  const t0 = Date.now();
  console.log(
    `realtime bench: ${opts.clients} clients in ${opts.workers} processes, ${opts.rate} reports/s ` +
      `for ${opts.seconds} s after ${opts.warmup} s warm-up, ≤${opts.concurrency} POSTs in flight; ` +
      `${grids.length} grids, ${plan.length} distinct report places`,
  );

  const results: RunResult[] = [];
  if (opts.scoped) {
    // The same load three ways: sub-centre screens beside city-wide ones, the same number of
    // screens all city-wide (today's single live room), and bare Socket.IO.
    const regions = scopedRegions(city.regions.features, opts.scoped);
    const areas = plannedAreas(city.regions.features, plan);
    const configDir = mkdtempSync(join(tmpdir(), 'citybrain-bench-config-'));
    const configFile = join(configDir, 'config.json');
    writeFileSync(configFile, JSON.stringify(benchConfig(new Set(regions))));
    console.log(
      `scoped: ${opts.scoped} sub-centre screens over ${new Set(regions).size} streets and ` +
        `communities, ${opts.citywide} city-wide; each screen's area holds ` +
        `${Math.min(...regions.map((r) => areas.byRegion.get(r)?.length ?? 0))}-` +
        `${Math.max(...regions.map((r) => areas.byRegion.get(r)?.length ?? 0))} of the ` +
        `${plan.length} reports`,
    );
    try {
      if (!args['no-ours']) {
        results.push(
          await runTarget('scoped', plan, warmupCount, {
            configFile,
            scoped: regions.map((regionId) => ({
              regionId,
              expected: areas.byRegion.get(regionId) ?? [],
            })),
          }),
        );
        results.push(await runTarget('single room', plan, warmupCount, { configFile }));
      }
      if (!args['no-baseline']) results.push(await runTarget('baseline', plan, warmupCount));
    } finally {
      rmSync(configDir, { recursive: true, force: true });
    }
  } else {
    if (!args['no-ours']) results.push(await runTarget('city-brain', plan, warmupCount));
    if (!args['no-baseline']) results.push(await runTarget('baseline', plan, warmupCount));
  }

  printTable(results);
  for (const r of results) {
    if (!r.others.length) continue;
    const list = r.others.map(
      (o) => `${((o.seconds / r.elapsedS) * 100).toFixed(0)}% ${o.name.slice(0, 90)}`,
    );
    console.log(`[${r.name}] busiest other processes: ${list.join(' | ')}`);
    // Kernel softirq is mostly this run's own loopback traffic; the rest is someone else's.
    if (r.otherCpuPct - r.softirqPct > 10) {
      console.log(
        `[${r.name}] WARNING: other work used ${(r.otherCpuPct - r.softirqPct).toFixed(0)}% of a ` +
          `core during the measured window: the figures above are not reliable, run again when the ` +
          `machine is quiet`,
      );
    }
  }
  for (const r of results) {
    for (const [phase, p] of [
      ['warm-up', r.warmup],
      ['measured', r.measured],
    ] as const) {
      if (non2xx(p)) console.log(`[${r.name}] ${phase}: first failed POST: ${p.firstError}`);
    }
  }
  if (args.timeline) for (const r of results) printTimeline(r);
  for (const r of results) {
    const examples = r.groups.flatMap((g) => g.scoped.examples).slice(0, 10);
    if (examples.length)
      console.log(`[${r.name}] scoping mistakes, first ones: ${examples.join('; ')}`);
  }
  // The floor is for the real server (or, with --no-ours, whatever ran).
  const judged = results.find((r) => r.name !== 'baseline') ?? results[0]!;
  const failures = floorFailures(judged);
  console.log(
    `${failures.length ? 'FAIL' : 'PASS'} floor for ${judged.name} (p99 <= ${FLOOR_P99_MS} ms, ` +
      `0 lost, 0 out of order)${failures.length ? `: ${failures.join('; ')}` : ''}`,
  );
  console.log(`total run time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------------------------

interface Target {
  child: ChildProcess;
  probe: (m: 'probe:reset' | 'probe:read') => Promise<ProbeReading | undefined>;
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

async function startTarget(name: string, configFile?: string): Promise<Target> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-bench-'));
  const prof = args['cpu-prof'];
  const nodeArgs =
    name === 'baseline'
      ? ['--import', 'tsx', '--import', PROBE, BASELINE]
      : [
          ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
          '--import',
          'tsx',
          '--import',
          PROBE,
          'server/main.ts',
        ];
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO: 'true',
      DEMO_ORIGIN_PORT: '0',
      // The demo simulator would add its own reports and workflow traffic to the stream.
      SIMULATE: 'false',
      BASELINE_FLUSH_MS: String(opts.baselineFlushMs),
      ...(configFile ? { CONFIG_FILE: configFile } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.channel?.unref();
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${name} server exited while starting:\n${output}`);
    if (Date.now() > until) throw new Error(`${name} server did not start in 60 s:\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  if (/simulator on/.test(output)) console.warn(`[${name}] warning: the demo simulator is running`);
  const probe = (m: 'probe:reset' | 'probe:read') =>
    new Promise<ProbeReading | undefined>((resolve) => {
      if (!child.connected) return resolve(undefined);
      const timer = setTimeout(() => resolve(undefined), 5_000);
      const onMessage = (reply: { probe?: ProbeReading }) => {
        if (!reply.probe) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(reply.probe);
      };
      if (m === 'probe:read') child.on('message', onMessage);
      child.send(m);
      if (m === 'probe:reset') {
        clearTimeout(timer);
        resolve(undefined);
      }
    });
  return {
    child,
    probe,
    url,
    output: () => output,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(killer);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

class ClientGroup {
  readonly child: ChildProcess;
  private waiting: ((m: FromClients) => void) | undefined;
  private failure: Error | undefined;

  constructor(index: number) {
    this.child = fork(CLIENT_GROUP, [], {
      cwd: ROOT,
      execArgv: [
        ...(args['cpu-prof-clients']
          ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof-clients']}`]
          : []),
        '--import',
        'tsx',
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // The server, not the simulated dashboards, gets a core first: on a small machine the client
    // side of a broadcast (500 decodes of every batch) costs more CPU than the server's side.
    if (opts.clientNice) setPriority(this.child.pid!, opts.clientNice);
    this.child.on('message', (m: FromClients) => {
      if (m.type === 'error') this.fail(new Error(`client group ${index}: ${m.message}`));
      else this.waiting?.(m);
    });
    this.child.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`client group ${index} exited with ${code}`));
    });
  }

  request<T extends FromClients['type']>(
    message: ToClients,
    reply: T,
  ): Promise<Extract<FromClients, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = (m) => {
        if (m.type !== reply) return;
        this.waiting = undefined;
        resolve(m as Extract<FromClients, { type: T }>);
      };
      this.rejecter = reject;
      this.child.send(message);
    });
  }

  tell(message: ToClients): void {
    this.child.send(message);
  }

  stop(): void {
    if (this.child.connected) this.child.disconnect();
  }

  private rejecter: ((err: Error) => void) | undefined;
  private fail(err: Error): void {
    this.failure ??= err;
    this.rejecter?.(err);
  }
}

interface Variant {
  /** The server's config (the scoped run's users); none: the demo's accounts. */
  configFile?: string;
  /** Sub-centre screens, by region, with their area's plan indexes; the rest are city-wide. */
  scoped?: { regionId: string; expected: number[] }[];
}

async function runTarget(
  name: string,
  plan: PlannedReport[],
  warmupCount: number,
  variant: Variant = {},
): Promise<RunResult> {
  console.log(`\n[${name}] starting server`);
  const target = await startTarget(name, variant.configFile);
  const server = new ProcessWatch(target.child.pid!);
  const groups: ClientGroup[] = [];
  let background: ChildProcess | undefined;
  try {
    const password = variant.configFile ? BENCH_PASSWORD : 'citybrain-demo';
    const token = name === 'baseline' ? 'none' : await login(target.url, 'leader', password);
    const runId = `${name.replace(/\W/g, '-')}-${process.pid}-${Date.now().toString(36)}`;
    // One session per sub-centre region, shared by its screens (as a wall and a desk would be).
    const tokens = new Map<string, string>();
    const scoped: ScopedSpec[] = [];
    for (const { regionId, expected } of variant.scoped ?? []) {
      if (!tokens.has(regionId))
        tokens.set(regionId, await login(target.url, `bench-${regionId}`, password));
      scoped.push({ token: tokens.get(regionId)!, regionId, expected });
    }

    console.log(
      `[${name}] connecting ${opts.clients} clients` +
        (scoped.length ? ` (${scoped.length} sub-centre screens)` : ''),
    );
    const starts: Promise<Extract<FromClients, { type: 'ready' }>>[] = [];
    // Each group gets its share of the sub-centre screens and of the city-wide ones.
    const cityTotal = opts.clients - scoped.length;
    const workers = Math.min(opts.workers, Math.max(1, opts.clients));
    for (let w = 0, cityFirst = 0; w < workers; w++) {
      const mine = scoped.filter((_, i) => i % workers === w);
      const city = Math.floor(((w + 1) * cityTotal) / workers) - cityFirst;
      if (!mine.length && !city) continue;
      const group = new ClientGroup(w);
      groups.push(group);
      starts.push(
        group.request(
          {
            type: 'start',
            url: target.url,
            token,
            clients: mine.length + city,
            fullEvery: opts.fullEvery,
            firstIndex: cityFirst,
            ...(mine.length ? { scoped: mine } : {}),
          },
          'ready',
        ),
      );
      cityFirst += city;
    }
    const ready = await Promise.all(starts);
    const connected = ready.reduce((n, r) => n + r.connected, 0);
    const errors = [...new Set(ready.flatMap((r) => r.errors))];
    console.log(
      `[${name}] ${connected}/${opts.clients} connected${errors.length ? ` (errors: ${errors.join('; ')})` : ''}`,
    );

    const agent = keepAliveAgent(opts.concurrency);
    // Warm-up reports are plan[0, warmupCount), measured ones the rest: no place is used twice.
    const pacing = (count: number, offset: number, measured: boolean) =>
      pace({
        url: target.url,
        path: '/api/v1/reports',
        headers: { authorization: `Bearer ${INGEST_KEY}` },
        rate: opts.rate,
        count,
        concurrency: opts.concurrency,
        agent,
        body: (n, sentAt) => reportBody(runId, offset + n, plan[offset + n]!, measured, sentAt),
      });

    if (opts.backgroundLoad) {
      background = startBackgroundLoad(opts.backgroundLoad);
      console.log(
        `[${name}] background load ${opts.backgroundLoad} % of a core (pid ${background.pid})`,
      );
    }
    console.log(`[${name}] warm-up ${opts.warmup} s`);
    const warmup = await pacing(warmupCount, 0, false);
    await sleep(500);

    console.log(`[${name}] measuring ${opts.seconds} s at ${opts.rate}/s`);
    for (const g of groups) g.tell({ type: 'measure' });
    const pacerLoop = monitorEventLoopDelay({ resolution: 10 });
    pacerLoop.enable();
    server.resetPeak();
    const loadPids = [process.pid, ...groups.map((g) => g.child.pid!)];
    const cpu0 = server.cpu();
    const load0 = loadPids.map((pid) => new ProcessWatch(pid, 60_000));
    const bgWatch = background ? new ProcessWatch(background.pid!, 60_000) : undefined;
    const bgCpu0 = bgWatch?.cpu() ?? 0;
    const loadCpu0 = load0.map((w) => w.cpu());
    const commits0 = await commitStats(target.url);
    await target.probe('probe:reset');
    const machine0 = machineCpu();
    const procs0 = allProcesses();
    const statsPerSecond = new Map<number, ServerStats>();
    const statsTimer = args.timeline
      ? setInterval(() => {
          const at = Math.floor(Date.now() / 1000);
          void commitStats(target.url).then((st) => statsPerSecond.set(at, st));
        }, 1000)
      : undefined;
    const t0 = now();
    const measured = await pacing(plan.length - warmupCount, warmupCount, true);
    clearInterval(statsTimer);
    const elapsed = (now() - t0) / 1000;
    const serverCpuPct = ((server.cpu() - cpu0) / elapsed) * 100;
    const loadGenCpuPct =
      (load0.reduce((s, w, i) => s + (w.cpu() - loadCpu0[i]!), 0) / elapsed) * 100;
    const backgroundCpuPct = bgWatch ? ((bgWatch.cpu() - bgCpu0) / elapsed) * 100 : 0;
    bgWatch?.stop();
    stopBackgroundLoad(background);
    background = undefined;
    const machine1 = machineCpu();
    const machineBusyPct = ((machine1.busy - machine0.busy) / elapsed) * 100;
    const others = topOthers(
      procs0,
      allProcesses(),
      new Set([
        ...selfAndAncestors(),
        ...loadPids,
        target.child.pid!,
        ...(bgWatch ? [bgWatch.pid] : []),
      ]),
    );
    for (const w of load0) w.stop();
    pacerLoop.disable();
    agent.destroy();

    const loop = await target.probe('probe:read');
    const commits1 = await commitStats(target.url);
    const health = (await (await fetch(`${target.url}/api/health`)).json()) as { seq: number };
    const finished = await Promise.all(
      groups.map((g) =>
        g.request(
          {
            type: 'finish',
            finalSeq: health.seq,
            timeoutMs: 15_000,
            notCreated: [...warmup.failed, ...measured.failed.map((n) => warmupCount + n)],
          },
          'result',
        ),
      ),
    );
    server.stop();
    const groupResults = finished.map((f) => f.result);
    const latencyScan = new Histogram();
    const latencyFull = new Histogram();
    const latencyScoped = new Histogram();
    const latencyCity = new Histogram();
    const latency = new Histogram();
    for (const g of groupResults) {
      latencyScan.merge(g.latencyScan);
      latencyFull.merge(g.latencyFull);
      latencyScoped.merge(g.latencyScoped);
      for (const h of [latency, latencyCity]) {
        h.merge(g.latencyScan);
        h.merge(g.latencyFull);
      }
      latency.merge(g.latencyScoped);
    }
    return {
      name,
      connected,
      warmup,
      measured,
      groups: groupResults,
      latency,
      latencyFull,
      latencyScan,
      latencyScoped,
      latencyCity,
      createdMeasured: measured.results.created ?? 0,
      serverCpuPct,
      serverPeakRssMiB: server.peakRssMiB,
      loadGenCpuPct,
      otherCpuPct: Math.max(0, machineBusyPct - serverCpuPct - loadGenCpuPct - backgroundCpuPct),
      backgroundCpuPct,
      softirqPct: ((machine1.softirq - machine0.softirq) / elapsed) * 100,
      others,
      elapsedS: elapsed,
      serverLoop: loop,
      commitMeanMs: ((commits1.sum - commits0.sum) / (commits1.count - commits0.count)) * 1000,
      heldBack: commits1.lagging - commits0.lagging,
      statsPerSecond,
      pacerLoopDelayP99: Math.max(0, pacerLoop.percentile(99) / 1e6 - 10),
      clientLoopDelayP99: Math.max(...groupResults.map((g) => g.loopDelayP99)),
      finalSeq: health.seq,
    };
  } catch (err) {
    console.error(`[${name}] server output (tail):\n${target.output().slice(-4000)}`);
    throw err;
  } finally {
    stopBackgroundLoad(background);
    for (const g of groups) g.stop();
    server.stop();
    await target.stop();
  }
}

/** The --background-load process: its own process, ordinary priority, IPC so it dies with us. */
function startBackgroundLoad(percent: number): ChildProcess {
  return fork(BACKGROUND, [String(percent)], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function stopBackgroundLoad(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && !child.killed) child.kill('SIGTERM');
}

/**
 * The real server's store-commit summary (count, seconds) and the hub's held-back sockets (times a
 * socket fell behind and was taken out of the live room) from /metrics; NaN elsewhere.
 */
interface ServerStats {
  count: number;
  sum: number;
  lagging: number;
  /** Sockets held back right now. */
  laggingNow: number;
  /** Commit -> broadcast, the hub's own histogram (citybrain_fanout_latency_seconds). */
  fanoutCount: number;
  fanoutSum: number;
}

async function commitStats(url: string): Promise<ServerStats> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const value = (name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    return {
      count: value('citybrain_store_commit_seconds_count'),
      sum: value('citybrain_store_commit_seconds_sum'),
      // A counter not yet incremented is not exported: none so far.
      lagging: /^citybrain_socket_lagging_total /m.test(text)
        ? value('citybrain_socket_lagging_total')
        : /^citybrain_store_commit_seconds_count /m.test(text)
          ? 0
          : NaN,
      laggingNow: value('citybrain_socket_lagging'),
      fanoutCount: value('citybrain_fanout_latency_seconds_count'),
      fanoutSum: value('citybrain_fanout_latency_seconds_sum'),
    };
  } catch {
    return {
      count: NaN,
      sum: NaN,
      lagging: NaN,
      laggingNow: NaN,
      fanoutCount: NaN,
      fanoutSum: NaN,
    };
  }
}

async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/**
 * The scoped run's server config: a city-wide leader, an operator for each sub-centre region
 * (server/config.ts `users[].regionId`), and the ingest key; still demo mode (the demo city, no
 * simulator). Passwords hashed at a low cost: these logins are not what is measured.
 */
function benchConfig(regions: Set<string>): object {
  const passwordHash = hashPassword(BENCH_PASSWORD, 1024);
  return {
    users: [
      { username: 'leader', name: 'bench leader', role: 'leader', passwordHash },
      ...[...regions].map((regionId) => ({
        username: `bench-${regionId}`,
        name: `bench sub-centre ${regionId}`,
        role: 'operator',
        regionId,
        passwordHash,
      })),
    ],
    ingestKeys: [{ name: 'bench', key: INGEST_KEY }],
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------

const sum = (r: RunResult, key: keyof ClientGroupResult) =>
  r.groups.reduce((s, g) => s + (g[key] as number), 0);
const scopedSum = (r: RunResult, key: Exclude<keyof ClientGroupResult['scoped'], 'examples'>) =>
  r.groups.reduce((s, g) => s + g.scoped[key], 0);
const non2xx = (p: PacerResult) =>
  Object.entries(p.statuses)
    .filter(([s]) => !s.startsWith('2'))
    .reduce((n, [, c]) => n + c, 0);

function floorFailures(r: RunResult): string[] {
  const out: string[] = [];
  const p99 = r.latency.quantile(0.99);
  if (!(p99 <= FLOOR_P99_MS)) out.push(`p99 ${p99.toFixed(1)} ms`);
  if (sum(r, 'lost')) out.push(`${sum(r, 'lost')} lost`);
  if (sum(r, 'outOfOrder')) out.push(`${sum(r, 'outOfOrder')} out of order`);
  if (sum(r, 'missingAtEnd')) out.push(`${sum(r, 'missingAtEnd')} never arrived`);
  if (r.connected < opts.clients) out.push(`${opts.clients - r.connected} clients not connected`);
  if (non2xx(r.measured)) out.push(`${non2xx(r.measured)} POSTs not 2xx`);
  const outside = r.groups.reduce((n, g) => n + g.scoped.outside, 0);
  const missed = r.groups.reduce((n, g) => n + g.scoped.missed, 0);
  if (outside) out.push(`${outside} reports reached sub-centre screens outside their area`);
  if (missed) out.push(`${missed} reports missed sub-centre screens inside their area`);
  const samplesExpected = r.createdMeasured * sum(r, 'fullConnected');
  if (r.latencyFull.count !== samplesExpected)
    out.push(
      `${samplesExpected - r.latencyFull.count} measured deltas missing at full-parse clients`,
    );
  return out;
}

function printTable(results: RunResult[]): void {
  const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
  const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');
  const rows: [string, (r: RunResult) => string][] = [
    ['clients connected', (r) => `${r.connected}/${opts.clients}`],
    ['reports posted (measured)', (r) => int(r.measured.sent)],
    ['  accepted (2xx)', (r) => int(r.measured.sent - non2xx(r.measured))],
    ['  non-2xx / failed', (r) => int(non2xx(r.measured))],
    [
      '  created / attached / dup',
      (r) =>
        `${int(r.measured.results.created ?? 0)} / ${int(r.measured.results.attached ?? 0)} / ${int(r.measured.results.duplicate ?? 0)}`,
    ],
    ['  achieved rate /s', (r) => int(r.measured.sent / (r.measured.elapsedMs / 1000))],
    [
      '  send lag p99 / max ms',
      (r) => `${ms(r.measured.lag.quantile(0.99))} / ${ms(r.measured.lag.max)}`,
    ],
    [
      '  POST round trip p50/p99 ms',
      (r) => `${ms(r.measured.response.quantile(0.5))} / ${ms(r.measured.response.quantile(0.99))}`,
    ],
    ['deltas expected per client', (r) => int(sum(r, 'expected') / Math.max(1, r.connected))],
    [
      'delta JSON bytes (mean)',
      (r) => int(sum(r, 'wireBytes') / Math.max(1, sum(r, 'wireDeltas'))),
    ],
    ['deltas received, all clients', (r) => int(sum(r, 'received'))],
    ['lost', (r) => int(sum(r, 'lost'))],
    ['out of order', (r) => int(sum(r, 'outOfOrder'))],
    ['never arrived (15 s wait)', (r) => int(sum(r, 'missingAtEnd'))],
    ['reconnects', (r) => int(sum(r, 'reconnects'))],
    [
      'latency samples full / expected',
      (r) => `${int(r.latencyFull.count)} / ${int(r.createdMeasured * sum(r, 'fullConnected'))}`,
    ],
    ['latency samples scan (1 per batch)', (r) => int(r.latencyScan.count)],
    ['latency p50 ms', (r) => ms(r.latency.quantile(0.5))],
    ['latency p95 ms', (r) => ms(r.latency.quantile(0.95))],
    ['latency p99 ms', (r) => ms(r.latency.quantile(0.99))],
    ['latency max ms', (r) => ms(r.latency.max)],
    [
      '  full-parse clients p50/p99',
      (r) =>
        r.latencyFull.count
          ? `${ms(r.latencyFull.quantile(0.5))} / ${ms(r.latencyFull.quantile(0.99))}`
          : '-',
    ],
    ...(opts.scoped
      ? ([
          [
            'sub-centre screens: reports expected / got',
            (r) => `${int(scopedSum(r, 'expected'))} / ${int(scopedSum(r, 'received'))}`,
          ],
          ['  got from outside their area', (r) => int(scopedSum(r, 'outside'))],
          ['  missed inside their area', (r) => int(scopedSum(r, 'missed'))],
          [
            '  repeats skipped / unmarked deltas',
            (r) => `${int(scopedSum(r, 'repeats'))} / ${int(scopedSum(r, 'unmarked'))}`,
          ],
          [
            '  latency p50/p99 sub-centre screens',
            (r) =>
              r.latencyScoped.count
                ? `${ms(r.latencyScoped.quantile(0.5))} / ${ms(r.latencyScoped.quantile(0.99))}`
                : '-',
          ],
          [
            '  latency p50/p99 city-wide screens',
            (r) => `${ms(r.latencyCity.quantile(0.5))} / ${ms(r.latencyCity.quantile(0.99))}`,
          ],
        ] as [string, (r: RunResult) => string][])
      : []),
    ['server CPU % of one core', (r) => ms(r.serverCpuPct)],
    ['server peak RSS MB', (r) => ms(r.serverPeakRssMiB)],
    [
      'server store commit mean ms',
      (r) => (Number.isFinite(r.commitMeanMs) ? r.commitMeanMs.toFixed(2) : '-'),
    ],
    ['sockets held back (lagging_total)', (r) => int(r.heldBack)],
    [
      'server loop delay p50/p99/max ms',
      (r) =>
        r.serverLoop
          ? `${ms(r.serverLoop.loopP50)} / ${ms(r.serverLoop.loopP99)} / ${ms(r.serverLoop.loopMax)}`
          : '-',
    ],
    [
      'server GC total / longest ms',
      (r) => (r.serverLoop ? `${int(r.serverLoop.gcMs)} / ${ms(r.serverLoop.gcMaxMs)}` : '-'),
    ],
    ['load generator CPU %', (r) => ms(r.loadGenCpuPct)],
    ...(opts.backgroundLoad
      ? ([['background load CPU %', (r) => ms(r.backgroundCpuPct)]] as [
          string,
          (r: RunResult) => string,
        ][])
      : []),
    ['other CPU on machine %', (r) => ms(r.otherCpuPct)],
    ['  of which kernel softirq %', (r) => ms(r.softirqPct)],
    [
      'loop delay p99 pacer/clients ms',
      (r) => `${ms(r.pacerLoopDelayP99)} / ${ms(r.clientLoopDelayP99)}`,
    ],
  ];
  const header = ['', ...results.map((r) => r.name)];
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');
  const ratiosOf = (ours: RunResult, base: RunResult) =>
    new Map<string, string>([
      ['latency p50 ms', ratio(ours.latency.quantile(0.5), base.latency.quantile(0.5))],
      ['latency p95 ms', ratio(ours.latency.quantile(0.95), base.latency.quantile(0.95))],
      ['latency p99 ms', ratio(ours.latency.quantile(0.99), base.latency.quantile(0.99))],
      ['latency max ms', ratio(ours.latency.max, base.latency.max)],
      ['server CPU % of one core', ratio(ours.serverCpuPct, base.serverCpuPct)],
      ['server peak RSS MB', ratio(ours.serverPeakRssMiB, base.serverPeakRssMiB)],
    ]);
  // Each of ours against bare Socket.IO; a scoped run also against the single room.
  const base = results.find((r) => r.name === 'baseline');
  const columns: Map<string, string>[] = [];
  const single = results.find((r) => r.name === 'single room');
  const scoped = results.find((r) => r.name === 'scoped');
  if (scoped && single) {
    header.push('scoped/single');
    columns.push(ratiosOf(scoped, single));
  }
  for (const r of results) {
    if (r === base || !base) continue;
    header.push(`${results.length > 2 ? r.name : 'ours'}/baseline`);
    columns.push(ratiosOf(r, base));
  }
  const table = [
    header,
    ...rows.map(([label, f]) => [
      label,
      ...results.map(f),
      ...columns.map((c) => c.get(label) ?? ''),
    ]),
  ];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  console.log(
    `\n${opts.clients} clients, ${opts.rate} reports/s for ${opts.seconds} s; latency = POST sent -> ` +
      `delta received at each client; baseline = bare Socket.IO, same POSTs, ` +
      (opts.baselineFlushMs > 0
        ? `batched every ${opts.baselineFlushMs} ms like the hub`
        : 'one emit per report'),
  );
  for (const [i, row] of table.entries()) {
    console.log(
      row
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  '),
    );
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

function printTimeline(r: RunResult): void {
  const seconds = new Map<number, [number, number, number]>();
  for (const g of r.groups) {
    for (const [key, [count, total, max]] of Object.entries(g.perSecond)) {
      const s = seconds.get(Number(key)) ?? [0, 0, 0];
      s[0] += count;
      s[1] += total;
      s[2] = Math.max(s[2], max);
      seconds.set(Number(key), s);
    }
  }
  const keys = [...seconds.keys()].sort((a, b) => a - b);
  const probe = r.serverLoop?.perSecond ?? {};
  console.log(
    `\n[${r.name}] per second of receipt: deltas timed, mean ms, max ms | server: longest loop ` +
      `stall ms, GC ms, longest GC ms | sockets held back (new, now) | commit->broadcast mean ms`,
  );
  const f = (x: number | undefined, w: number) =>
    (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(0)).padStart(w);
  for (const k of keys) {
    const [count, total, max] = seconds.get(k)!;
    const [stall, gc, gcMax] = probe[String(k)] ?? [];
    const st = r.statsPerSecond.get(k);
    const before = r.statsPerSecond.get(k - 1);
    const fanout =
      st && before
        ? ((st.fanoutSum - before.fanoutSum) / (st.fanoutCount - before.fanoutCount)) * 1000
        : undefined;
    console.log(
      `  +${String(k - keys[0]!).padStart(3)} s  ${String(count).padStart(7)}  ${(total / count).toFixed(1).padStart(7)}  ${max.toFixed(1).padStart(8)}` +
        ` | ${f(stall, 5)} ${f(gc, 5)} ${f(gcMax, 5)} | ${f(st && before ? st.lagging - before.lagging : undefined, 4)} ${f(st?.laggingNow, 4)} | ${f(fanout, 5)}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
