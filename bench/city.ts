/**
 * How long a big city package takes to import (`npm run city:check`) and the server to start on
 * it, each in a fresh process as an operator would run them, against the demo city measured in
 * the same run.
 *
 *   npm run bench:city               # 20,000 grids and 20,000 cameras, 3 runs each
 *   npm run bench:city -- --smoke    # 2,000 of each, one run: that it still works end to end
 *
 * Two synthetic packages: "shared" grids share their vertices exactly, as a GIS that keeps
 * topology exports them; "loose" grids are each grown by 0.5 % about their middle (under a metre
 * over each edge, within the tolerance), so neighbours no longer share vertices, as with grids
 * drawn one by one, and every community's boundary has to be clipped. Both in GCJ-02, so the
 * conversion of every coordinate is in the figure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loosenPackage, writeSyntheticCity } from './city/synthetic.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEMO_CITY = join(ROOT, 'fixtures/city');
const smoke = process.argv.includes('--smoke');
const SIZE = smoke ? 2_000 : 20_000;
const RUNS = smoke ? 1 : 3;
const IMPORT_FLOOR_MS = 10_000;
const START_FLOOR_MS = 15_000;

interface Run {
  /** From spawning the process to its answer: what the operator waits. */
  wallMs: number;
  /** The process's own figure: the check alone, or start to listening. */
  innerMs: number;
}

/** Runs a TypeScript entry point in a fresh Node process, as `npm run …` does, through tsx. */
function node(script: string, args: string[], env: NodeJS.ProcessEnv) {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function timeCheck(dir: string): Promise<Run> {
  const started = performance.now();
  const child = node('server/cli/city-check.ts', [dir], {});
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b));
  child.stderr.on('data', (b: Buffer) => (out += b));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      const last = out.trim().split('\n').pop() ?? '';
      const inner = /\((\d+) ms\)$/.exec(last);
      if (code !== 0 || !inner)
        return reject(new Error(`city:check ${dir} failed (${code}):\n${out}`));
      resolve({ wallMs, innerMs: Number(inner[1]) });
    });
  });
}

function timeStart(dir: string): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-bench-city-data-'));
  const started = performance.now();
  const child = node('server/main.ts', [], {
    CITY_DIR: dir,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    DEMO: 'true',
    SIMULATE: 'false',
    DEMO_ORIGIN_PORT: '0',
  });
  let out = '';
  return new Promise<Run>((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b;
      if (/listening on/.test(out)) {
        const wallMs = performance.now() - started;
        child.kill('SIGTERM');
        resolve({ wallMs, innerMs: wallMs });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (b: Buffer) => (out += b));
    child.on('exit', (code) => {
      if (!/listening on/.test(out))
        reject(new Error(`server on ${dir} exited (${code}):\n${out}`));
    });
  }).finally(
    () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done(rmSync(dataDir, { recursive: true, force: true }));
        child.on('exit', () => done(rmSync(dataDir, { recursive: true, force: true })));
      }),
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const max = (xs: number[]) => Math.max(...xs);
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'citybrain-bench-city-'));
  try {
    const shared = join(work, 'shared');
    const loose = join(work, 'loose');
    const t = performance.now();
    writeSyntheticCity(shared, { grids: SIZE, cameras: SIZE, crs: 'gcj02' });
    writeSyntheticCity(loose, { grids: SIZE, cameras: SIZE, crs: 'gcj02' });
    loosenPackage(loose);
    console.log(
      `wrote two packages of ${SIZE} grids and ${SIZE} cameras in ${s(performance.now() - t)}`,
    );
    const cases = [
      { name: 'demo city (842 grids, 648 cameras): baseline', dir: DEMO_CITY },
      { name: `${SIZE} grids, ${SIZE} cameras, shared vertices`, dir: shared },
      { name: `${SIZE} grids, ${SIZE} cameras, loose (hand-drawn)`, dir: loose },
    ];
    const rows: string[] = [];
    for (const c of cases) {
      const checks: Run[] = [];
      const starts: Run[] = [];
      for (let i = 0; i < RUNS; i++) {
        checks.push(await timeCheck(c.dir));
        starts.push(await timeStart(c.dir));
      }
      const wall = checks.map((r) => r.wallMs);
      const inner = checks.map((r) => r.innerMs);
      const start = starts.map((r) => r.wallMs);
      rows.push(
        `| ${c.name} | ${s(median(wall))} (max ${s(max(wall))}) | ${s(median(inner))} (max ${s(max(inner))}) | ${s(median(start))} (max ${s(max(start))}) |`,
      );
      console.log(rows[rows.length - 1]);
    }
    console.log(
      `\n${RUNS} run${RUNS === 1 ? '' : 's'} each, medians (max); floors for 20,000: import ≤ ${s(IMPORT_FLOOR_MS)}, start ≤ ${s(START_FLOOR_MS)}\n`,
    );
    console.log(
      '| package | city:check, process | city:check, the check alone | server start to listening |',
    );
    console.log('|---|---|---|---|');
    for (const r of rows) console.log(r);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
