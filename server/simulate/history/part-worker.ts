import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { City } from '../../../shared/index.js';
import { levelRules, type Config } from '../../config.js';
import { Scopes } from '../../levels/scopes.js';
import { pastWriter } from '../../store/past-writer.js';
import type { SimCity } from '../places.js';
import { makeHistory } from './make-history.js';

/** One part of the past, made on its own thread (parts.ts). */
export interface PartJob {
  city: SimCity & City;
  levels: Config['levels'];
  from: string;
  arrivalsUntil: string;
  end: string;
  idBase: number;
  seed: number;
  /** The store's file, already migrated: the part writes its records there itself. */
  databaseFile: string;
  utcOffsetMinutes: number;
}

export type PartMessage =
  { kind: 'day'; day: string } | { kind: 'done'; result: Awaited<ReturnType<typeof makeHistory>> };

const job = workerData as PartJob;
const port = parentPort!;
// Its own connection: writing here spares the main thread a copy of every record.
const db = new Database(job.databaseFile, { timeout: 60_000 });
const write = pastWriter(db, job.utcOffsetMinutes);
const result = await makeHistory({
  city: job.city,
  scopes: new Scopes(job.city, levelRules(job.levels)),
  from: new Date(job.from),
  arrivalsUntil: new Date(job.arrivalsUntil),
  end: new Date(job.end),
  idBase: job.idBase,
  seed: job.seed,
  utcOffsetMinutes: job.utcOffsetMinutes,
  write: async (records) => write(records),
  progress: (day) =>
    port.postMessage({ kind: 'day', day: day.toISOString() } satisfies PartMessage),
});
db.close();
port.postMessage({ kind: 'done', result } satisfies PartMessage);
