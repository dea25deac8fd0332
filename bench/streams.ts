/**
 * Stream forwarder benchmark: viewers behaving like hls.js watch live cameras through the
 * forwarder, then through Debian's nginx (proxy_cache + proxy_cache_lock) in front of the same
 * origin, as the anchor. Prints, per target: segments got and missed, upstream fetches per
 * segment, segments served per second (paced, and pushed to saturation), latency and what the
 * proxy added to it, CPU and RSS; and the ratios to nginx.
 *
 *   npx tsx bench/streams.ts                 # 200 viewers over 16 cameras for 60 s
 *   npx tsx bench/streams.ts --smoke         # 20 viewers over 4 cameras for 8 s (CI)
 *   npx tsx bench/streams.ts --viewers 100 --cameras 8 --seconds 30 --saturate-seconds 5
 *
 * Other flags: --concurrency N (saturation loops, default 64), --warmup S (unmeasured viewing
 * before each target's run, default 5, 0 = none), --no-nginx.
 * Origin, forwarder and nginx run as separate processes on 127.0.0.1, so each one's CPU
 * (/proc/<pid>/stat) and RSS (/proc/<pid>/status) are its own; the viewers run here. Prints
 * PASS/FAIL against the floor: every viewer gets every segment, one upstream fetch per segment,
 * forwarder saturation throughput >= 0.5x nginx. Exits non-zero only if something crashed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findNginx, startNginx } from './streams/nginx.js';
import { Usage, withChildren } from './streams/proc.js';
import {
  ORIGIN_PASSWORD,
  ORIGIN_USER,
  type ForwarderArgs,
  type FromChild,
  type ToOrigin,
} from './streams/protocol.js';
import {
  paced,
  quantile,
  saturate,
  type PacedResult,
  type SaturationResult,
} from './streams/viewers.js';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    viewers: { type: 'string' },
    cameras: { type: 'string' },
    seconds: { type: 'string' },
    'saturate-seconds': { type: 'string' },
    warmup: { type: 'string' },
    concurrency: { type: 'string', default: '64' },
    'no-nginx': { type: 'boolean', default: false },
  },
});
const num = (v: string | undefined, fallback: number, name: string) => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
};
const opts = {
  viewers: num(args.viewers, args.smoke ? 20 : 200, 'viewers'),
  cameras: num(args.cameras, args.smoke ? 4 : 16, 'cameras'),
  seconds: num(args.seconds, args.smoke ? 8 : 60, 'seconds'),
  saturateSeconds: num(args['saturate-seconds'], args.smoke ? 2 : 10, 'saturate-seconds'),
  concurrency: num(args.concurrency, 64, 'concurrency'),
  warmup: args.warmup === '0' ? 0 : num(args.warmup, args.smoke ? 1 : 5, 'warmup'),
};
const DEVICE_TOKEN = 'bench-device-token-0123456789';
const AUTH = `Basic ${Buffer.from(`${ORIGIN_USER}:${ORIGIN_PASSWORD}`).toString('base64')}`;
const cameraIds = Array.from(
  { length: opts.cameras },
  (_, i) => `cam-${String(i + 1).padStart(4, '0')}`,
);
const cameraOf = (viewer: number) => cameraIds[viewer % cameraIds.length]!;

interface TargetResult {
  name: string;
  paced: PacedResult;
  saturation: SaturationResult;
  usage: { cpuPercent: number; rssMb: number };
  /** Upstream requests per segment the origin saw while this target ran. */
  perSegment: { segments: number; requests: number; max: number };
}

class Child {
  private readonly waiting: ((m: FromChild) => void)[] = [];
  readonly process: ChildProcess;

  constructor(file: string, arg: string) {
    this.process = fork(fileURLToPath(new URL(file, import.meta.url)), [arg], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.process.on('message', (m: FromChild) => this.waiting.shift()?.(m));
    this.process.on('exit', (code) => {
      if (code) {
        console.error(`${file} exited with ${code}`);
        process.exit(1);
      }
    });
  }

  next(): Promise<FromChild> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async ask(message: ToOrigin): Promise<FromChild> {
    const reply = this.next();
    this.process.send(message);
    return reply;
  }

  async stop(message: unknown): Promise<void> {
    this.process.removeAllListeners('exit');
    const exited = new Promise((r) => this.process.once('exit', r));
    this.process.send(message as ToOrigin);
    await exited;
  }
}

async function port(child: Child): Promise<number> {
  const m = await child.next();
  if (m.type !== 'ready') throw new Error('unexpected message');
  return m.port;
}

async function segmentCounts(origin: Child) {
  const m = await origin.ask({ type: 'counts', reset: true });
  if (m.type !== 'counts') throw new Error('unexpected message');
  // Whole segments (`<msn>.m4s`), not parts (`<msn>.<part>.m4s`) nor the init section.
  const segments = m.counts.filter(([path]) => /\/\d+\.m4s$/.test(path));
  return {
    segments: segments.length,
    requests: segments.reduce((s, [, n]) => s + n, 0),
    max: Math.max(0, ...segments.map(([, n]) => n)),
  };
}

interface Target {
  name: string;
  pids: () => number[];
  /** Asked for just before use: forwarder tokens die once unused for a while. */
  playlistUrls: () => Promise<string[]>;
  headers?: Record<string, string>;
}

async function pacedRun(t: Target): Promise<Omit<TargetResult, 'saturation'>> {
  process.stdout.write(`${t.name}: ${opts.viewers} viewers for ${opts.seconds} s … `);
  // A freshly started process compiles its code and opens its connections first: not measured.
  if (opts.warmup) await paced(await t.playlistUrls(), opts.warmup, t.headers);
  await segmentCounts(origin);
  const usage = new Usage(t.pids);
  const result = await paced(await t.playlistUrls(), opts.seconds, t.headers);
  const used = usage.stop();
  const perSegment = await segmentCounts(origin);
  console.log('done');
  return { name: t.name, paced: result, usage: used, perSegment };
}

/**
 * Saturation in short rounds taken in turn, so that whatever else this machine is doing weighs
 * on every target alike.
 */
async function saturationRuns(targets: Target[]): Promise<SaturationResult[]> {
  const rounds = args.smoke ? 2 : 5;
  const totals = targets.map(() => ({ served: 0, errors: 0, seconds: 0, bytes: 0 }));
  process.stdout.write(
    `saturation: ${rounds} rounds of ${opts.saturateSeconds / rounds} s each … `,
  );
  for (let r = 0; r < rounds; r++) {
    for (const [i, t] of targets.entries()) {
      const urls = await t.playlistUrls();
      const perCamera = cameraIds.map((_, c) => urls[c]!);
      const s = await saturate(
        perCamera,
        opts.saturateSeconds / rounds,
        opts.concurrency,
        t.headers,
      );
      for (const k of ['served', 'errors', 'seconds', 'bytes'] as const) totals[i]![k] += s[k];
    }
  }
  console.log('done');
  return totals;
}

const origin = new Child('./streams/origin.ts', JSON.stringify(cameraIds));
const originPort = await port(origin);
const originUrl = `http://127.0.0.1:${originPort}`;
const forwarderArgs: ForwarderArgs = {
  originUrl,
  cameraIds,
  username: ORIGIN_USER,
  password: ORIGIN_PASSWORD,
  deviceToken: DEVICE_TOKEN,
};
const forwarder = new Child('./streams/forwarder.ts', JSON.stringify(forwarderArgs));
const forwarderUrl = `http://127.0.0.1:${await port(forwarder)}`;
const nginxBinary = args['no-nginx'] ? undefined : findNginx();
if (!nginxBinary && !args['no-nginx']) {
  console.log('nginx not found (apt-get install nginx): no anchor this run');
}
const nginx = nginxBinary ? await startNginx(nginxBinary, originPort, AUTH) : undefined;
const results: TargetResult[] = [];

try {
  // Each viewer asks for its own stream URL, as each browser tile does.
  const forwarderUrls = () =>
    Promise.all(
      Array.from({ length: opts.viewers }, async (_, v) => {
        const res = await fetch(`${forwarderUrl}/api/v1/cameras/${cameraOf(v)}/stream`, {
          method: 'POST',
          headers: { authorization: `Bearer ${DEVICE_TOKEN}` },
        });
        if (!res.ok) throw new Error(`stream URL: ${res.status} ${await res.text()}`);
        return new URL(((await res.json()) as { url: string }).url, forwarderUrl).href;
      }),
    );
  const direct = (base: string) => async () =>
    Array.from({ length: opts.viewers }, (_, v) => `${base}/cam/${cameraOf(v)}/index.m3u8`);
  const targets: Target[] = [
    {
      name: 'origin (direct)',
      pids: () => withChildren(origin.process.pid!),
      playlistUrls: direct(originUrl),
      headers: { authorization: AUTH },
    },
    { name: 'forwarder', pids: () => [forwarder.process.pid!], playlistUrls: forwarderUrls },
    ...(nginx
      ? [
          {
            name: 'nginx',
            pids: () => withChildren(nginx.pid),
            playlistUrls: direct(`http://127.0.0.1:${nginx.port}`),
          },
        ]
      : []),
  ];
  const pacedResults = [];
  for (const t of targets) pacedResults.push(await pacedRun(t));
  const saturation = await saturationRuns(targets);
  pacedResults.forEach((r, i) => results.push({ ...r, saturation: saturation[i]! }));
} finally {
  await nginx?.stop();
  await forwarder.stop({ type: 'stop' });
  await origin.stop({ type: 'stop' });
}

report(results);

function report(all: TargetResult[]): void {
  const base = all.find((r) => r.name.startsWith('origin'))!;
  const fwd = all.find((r) => r.name === 'forwarder')!;
  const nginx = all.find((r) => r.name === 'nginx');
  const proxies = [fwd, ...(nginx ? [nginx] : [])];
  const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
  const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
  const int = (n: number) => Math.round(n).toLocaleString('en');
  const ms = (r: TargetResult, q: number) => quantile(r.paced.latencies, q);
  const rows: [string, (r: TargetResult) => string, ((f: number, n: number) => string)?][] = [
    ['segments got', (r) => int(r.paced.segments)],
    ['segments missed', (r) => int(r.paced.missing)],
    ['errors', (r) => int(r.paced.errors + r.saturation.errors)],
    [
      'upstream fetches per segment',
      (r) => `${f2(r.perSegment.requests / r.perSegment.segments)} (max ${r.perSegment.max})`,
    ],
    ['segments/s, paced', (r) => f1(r.paced.segments / r.paced.seconds)],
    [
      'segments/s, saturated',
      (r) => int(r.saturation.served / r.saturation.seconds),
      (f, n) => f2(f / n),
    ],
    ['MB/s, saturated', (r) => f1(r.saturation.bytes / r.saturation.seconds / 2 ** 20)],
    ['latency p50 ms', (r) => f2(ms(r, 0.5))],
    ['latency p99 ms', (r) => f2(ms(r, 0.99))],
    ['p99 added vs origin ms', (r) => (r === base ? '–' : f2(ms(r, 0.99) - ms(base, 0.99)))],
    ['CPU % of a core, paced', (r) => f1(r.usage.cpuPercent)],
    ['RSS MB (peak), paced', (r) => f1(r.usage.rssMb)],
  ];
  const head = ['', ...all.map((r) => r.name), ...(nginx ? ['forwarder / nginx'] : [])];
  const body = rows.map(([label, cell, ratio]) => {
    const cells = all.map(cell);
    let r = '';
    if (nginx) {
      const fv = Number(cell(fwd).replace(/[^\d.]/g, ''));
      const nv = Number(cell(nginx).replace(/[^\d.]/g, ''));
      r = ratio ? ratio(fv, nv) : nv > 0 && Number.isFinite(fv / nv) ? f2(fv / nv) : '–';
    }
    return [label, ...cells, ...(nginx ? [r] : [])];
  });
  const table = [head, ...body];
  const widths = head.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  console.log(
    `\n${opts.viewers} viewers over ${opts.cameras} cameras, ${opts.seconds} s paced + ` +
      `${opts.saturateSeconds} s saturated (${opts.concurrency} loops), 1 s segments\n`,
  );
  for (const row of table) {
    console.log(
      row
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  '),
    );
  }

  // The demo origin's segments are a second long.
  const expected = opts.viewers * opts.seconds;
  const checks: [string, boolean][] = [
    [
      'every viewer got every segment',
      proxies.every(
        (r) => r.paced.missing === 0 && r.paced.errors === 0 && r.paced.segments >= expected * 0.8,
      ),
    ],
    ['one upstream fetch per segment (forwarder)', fwd.perSegment.max === 1],
  ];
  if (nginx) {
    const ratio =
      fwd.saturation.served /
      fwd.saturation.seconds /
      (nginx.saturation.served / nginx.saturation.seconds);
    checks.push([`forwarder throughput >= 0.5x nginx (${f2(ratio)}x)`, ratio >= 0.5]);
  }
  console.log('');
  for (const [what, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
}
