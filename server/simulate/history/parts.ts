import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { City, Incident } from '../../../shared/index.js';
import type { Config } from '../../config.js';
import type { SimCity } from '../places.js';
import type { PartJob, PartMessage } from './part-worker.js';

const DAY_MS = 86_400_000;
/** Matters a day, with room to spare: a part's ids stay below the next part's base. */
const IDS_PER_DAY = 4_000;

export interface PartsOptions {
  city: SimCity & City;
  levels: Config['levels'];
  days: number;
  end: Date;
  seed: number;
  utcOffsetMinutes: number;
  /** How many parts are made at once (default: the machine's cores, at most 4). */
  parts?: number;
  /** The store's file, migrated; each part writes to it on its own connection. */
  databaseFile: string;
  progress?(daysMade: number): void;
}

/**
 * Makes the past in consecutive parts, one thread each, side by side: each part's matters
 * arrive in its own span and are worked until the end, with ids from its own range, and each
 * part writes its records to the store's file as it goes.
 */
export async function makeHistoryInParts(
  options: PartsOptions,
): Promise<{ incidents: number; reports: number; open: Incident[] }> {
  const count = Math.max(1, Math.min(options.parts ?? availableParallelism(), 4, options.days));
  const start = options.end.getTime() - options.days * DAY_MS;
  const span = Math.ceil(options.days / count) * DAY_MS;
  const idStride = Math.ceil((Math.ceil(options.days / count) * IDS_PER_DAY) / 100_000) * 100_000;
  let daysMade = 0;
  const parts = Array.from({ length: count }, (_, k) => {
    const job: PartJob = {
      city: options.city,
      levels: options.levels,
      from: new Date(start + k * span).toISOString(),
      arrivalsUntil: new Date(
        Math.min(start + (k + 1) * span, options.end.getTime()),
      ).toISOString(),
      end: options.end.toISOString(),
      idBase: k * idStride,
      seed: options.seed + k,
      utcOffsetMinutes: options.utcOffsetMinutes,
      databaseFile: options.databaseFile,
    };
    return runPart(job, (message) => {
      if (message.kind === 'day' && Date.parse(message.day) <= Date.parse(job.arrivalsUntil))
        options.progress?.(++daysMade);
    });
  });
  const results = await Promise.all(parts);
  return {
    incidents: results.reduce((n, r) => n + r.incidents, 0),
    reports: results.reduce((n, r) => n + r.reports, 0),
    open: results.flatMap((r) => r.open),
  };
}

function runPart(
  job: PartJob,
  onMessage: (message: PartMessage) => void,
): Promise<Extract<PartMessage, { kind: 'done' }>['result']> {
  // Run from source (tsx) the worker registers the same loader first; built, it is plain JS.
  const here = import.meta.url;
  const file = new URL(`./part-worker${here.endsWith('.ts') ? '.ts' : '.js'}`, here).href;
  const boot = here.endsWith('.ts')
    ? `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(file)}); });`
    : `import(${JSON.stringify(file)});`;
  const worker = new Worker(boot, { eval: true, workerData: job });
  return new Promise((resolve, reject) => {
    worker.on('message', (message: PartMessage) => {
      if (message.kind === 'done') resolve(message.result);
      else onMessage(message);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`a part of the past stopped (exit ${code})`)));
  });
}
