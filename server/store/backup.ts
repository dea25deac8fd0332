import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/** How long the copy's source connection waits for a lock before giving up (see open-database). */
const BUSY_TIMEOUT_MS = 5000;
/** Leftovers of a backup that died half-way are removed once surely nobody writes them. */
const STALE_PARTIAL_MS = 24 * 3_600_000;
/** The longest the nightly timer sleeps at once, so a changed system clock is noticed. */
const MAX_SLEEP_MS = 3_600_000;
const DAY_MS = 24 * 3_600_000;

/** Nightly backups are `city-brain-<local date>.sqlite`; only these are ever pruned. */
const NIGHTLY = /^city-brain-\d{4}-\d{2}-\d{2}\.sqlite$/;
const PARTIAL = /\.partial-\d+-\d+$/;

export interface BackupResult {
  /** The finished copy. */
  file: string;
  bytes: number;
  /** The copy's last event sequence number, `SELECT max(seq) FROM events`; null without events. */
  lastSeq: number | null;
  ms: number;
}

export class BackupError extends Error {
  override name = 'BackupError';
}

/**
 * The worker's code, as a string: it must run where no TypeScript loader is registered (see
 * checkpointer.ts). Everything slow happens here, off the server's event loop: the copy, the
 * integrity check of the copy and the fsyncs.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const Database = require(workerData.driver);
const { source, dest, temp, busyTimeoutMs } = workerData;

const fsync = (p, flags) => {
  const fd = fs.openSync(p, flags);
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
};

async function run() {
  // Read-only: the copy can never change the live database, whoever runs it.
  const src = new Database(source, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  try {
    // Every page in one step, so in one read transaction: a consistent snapshot that writers
    // (WAL) never wait for. In smaller steps SQLite starts the copy over each time another
    // connection writes in between, which under a steady load would be forever.
    await src.backup(temp, { progress: () => 0x7fffffff });
  } finally {
    src.close();
  }
  const copy = new Database(temp, { fileMustExist: true, timeout: busyTimeoutMs });
  let check, lastSeq = null;
  try {
    // The copy inherits the WAL header; in rollback mode it is one self-contained file, which
    // is what a restore copies (the server turns WAL back on at start).
    copy.pragma('journal_mode = DELETE');
    check = copy.pragma('quick_check(5)').flatMap((r) => String(Object.values(r)[0]).split('\\n'));
    const hasEvents = copy.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'events'").get();
    if (hasEvents) lastSeq = copy.prepare('SELECT max(seq) AS seq FROM events').get().seq;
  } finally {
    copy.close();
  }
  if (check.length !== 1 || check[0] !== 'ok') {
    throw new Error('the copy failed its integrity check: ' + check.join('; '));
  }
  // Durable before it has its name, and the name durable before anyone is told.
  fsync(temp, 'r+');
  fs.renameSync(temp, dest);
  fsync(path.dirname(dest), 'r');
  return { bytes: fs.statSync(dest).size, lastSeq };
}

run().then(
  (result) => parentPort.postMessage({ result }),
  (err) => parentPort.postMessage({ error: (err && err.message) || String(err) }),
);
`;

/**
 * A consistent copy of a live SQLite database with the online backup API, written under a
 * temporary name beside `dest` and renamed when complete and checked, so `dest` is either the
 * previous file or a whole, verified backup. Runs on a worker thread: a server's requests go on
 * meanwhile. `signal` abandons it (the temporary file is removed).
 */
export async function backupDatabase(
  source: string,
  dest: string,
  { signal }: { signal?: AbortSignal } = {},
): Promise<BackupResult> {
  const started = Date.now();
  const from = resolve(source);
  const to = resolve(dest);
  if (from === to) throw new BackupError(`the backup cannot overwrite the database itself (${to})`);
  if (!fileExists(from)) throw new BackupError(`no database at ${from}`);
  if (signal?.aborted) throw new BackupError('backup abandoned');
  const temp = `${to}.partial-${process.pid}-${started}`;
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      source: from,
      dest: to,
      temp,
      busyTimeoutMs: BUSY_TIMEOUT_MS,
    },
  });
  const onAbort = () => void worker.terminate();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const outcome = await new Promise<{
      result?: Omit<BackupResult, 'file' | 'ms'>;
      error?: string;
    }>((done, fail) => {
      worker.once('message', done);
      worker.once('error', fail);
      worker.once('exit', () =>
        fail(new BackupError(signal?.aborted ? 'backup abandoned' : 'backup worker exited')),
      );
    });
    if (!outcome.result) throw new BackupError(`backup of ${from} failed: ${outcome.error}`);
    return { file: to, ...outcome.result, ms: Date.now() - started };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
    // After a failure, the half-written copy (and what SQLite kept beside it) must not linger.
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(temp + suffix, { force: true });
  }
}

function fileExists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The most recently written backup file in `dir` (nightly or not), or undefined. */
export function newestBackup(dir: string): string | undefined {
  let best: { path: string; mtime: number } | undefined;
  for (const name of safeReaddir(dir)) {
    if (!name.endsWith('.sqlite')) continue;
    const path = join(dir, name);
    try {
      const stat = statSync(path);
      if (stat.isFile() && (!best || stat.mtimeMs > best.mtime))
        best = { path, mtime: stat.mtimeMs };
    } catch {
      // gone meanwhile
    }
  }
  return best?.path;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** When the next nightly backup is due: the next `hour`:00 local time strictly after `now`. */
export function nextBackupTime(now: number, hour: number, utcOffsetMinutes: number): number {
  const offset = utcOffsetMinutes * 60_000;
  const local = new Date(now + offset);
  const today =
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hour) - offset;
  return today > now ? today : today + DAY_MS;
}

/** `city-brain-<YYYY-MM-DD>.sqlite`, the local date at `at`. */
export function nightlyBackupName(at: number, utcOffsetMinutes: number): string {
  const date = new Date(at + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
  return `city-brain-${date}.sqlite`;
}

/** The nightly backups beyond the `keep` newest (by the date in their names). */
export function backupsToPrune(names: string[], keep: number): string[] {
  return names
    .filter((n) => NIGHTLY.test(n))
    .sort()
    .reverse()
    .slice(keep);
}

export interface BackupLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface BackupSchedule {
  /** Nightly backups go here; none without it. */
  dir?: string | undefined;
  /** Local hour, 0-23. */
  hour: number;
  /** How many nightly backups are kept. */
  keep: number;
}

export interface NightlyBackups {
  /** When the next backup is due (ms since the epoch); undefined when none are scheduled. */
  readonly nextAt: number | undefined;
  /** Cancels the schedule and abandons a backup under way. */
  stop(): Promise<void>;
}

/** What the schedule needs from the world, injectable so a test can play the nights. */
export interface NightlyDeps {
  now(): number;
  setTimer(fn: () => void, ms: number): { clear(): void };
  backup(source: string, dest: string, options: { signal: AbortSignal }): Promise<BackupResult>;
}

const realDeps: NightlyDeps = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref(); // a pending backup never keeps a stopping process alive
    return { clear: () => clearTimeout(timer) };
  },
  backup: backupDatabase,
};

/**
 * Backs `file` up every night at `schedule.hour` local time into `schedule.dir`, keeping the
 * `keep` newest. A failed night is logged and the next night tries again: a backup never takes
 * the server down, and never prunes the backups it would have replaced.
 */
export function startNightlyBackups(
  file: string,
  schedule: BackupSchedule,
  utcOffsetMinutes: number,
  log: BackupLog,
  deps: Partial<NightlyDeps> = {},
): NightlyBackups {
  const { now, setTimer, backup } = { ...realDeps, ...deps };
  const dir = schedule.dir && resolve(schedule.dir);
  if (!dir) return { nextAt: undefined, stop: async () => {} };
  let timer: { clear(): void } | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const abort = new AbortController();
  let nextAt = nextBackupTime(now(), schedule.hour, utcOffsetMinutes);

  const arm = () => {
    if (stopped) return;
    // Short sleeps: a timer counts elapsed time, the schedule is on the wall clock.
    timer = setTimer(tick, Math.max(0, Math.min(nextAt - now(), MAX_SLEEP_MS)));
  };
  const tick = () => {
    if (stopped) return;
    const at = now();
    // The clock was set back by more than a day: start from the new "now".
    if (nextAt - at > DAY_MS) nextAt = nextBackupTime(at, schedule.hour, utcOffsetMinutes);
    if (at < nextAt) return arm();
    const dueAt = nextAt;
    running = runOnce(dueAt).finally(() => {
      running = undefined;
      nextAt = nextBackupTime(Math.max(now(), dueAt), schedule.hour, utcOffsetMinutes);
      arm();
    });
  };
  const runOnce = async (dueAt: number) => {
    const dest = join(dir, nightlyBackupName(dueAt, utcOffsetMinutes));
    try {
      mkdirSync(dir, { recursive: true });
      const result = await backup(file, dest, { signal: abort.signal });
      const pruned = prune(dir, schedule.keep, now());
      log.info({ ...result, pruned }, 'nightly backup written');
    } catch (err) {
      if (stopped) return;
      log.error(
        { err, file: dest },
        'nightly backup failed; the next one runs tomorrow night (docs/DEPLOY.md, "Backups and restore")',
      );
    }
  };

  log.info(
    { dir, hour: schedule.hour, keep: schedule.keep, next: new Date(nextAt).toISOString() },
    'nightly backups scheduled',
  );
  arm();
  return {
    get nextAt() {
      return stopped ? undefined : nextAt;
    },
    async stop() {
      stopped = true;
      timer?.clear();
      abort.abort();
      await running;
    },
  };
}

/** Removes the nightly backups beyond `keep`, and copies a crashed backup left half-written. */
function prune(dir: string, keep: number, now: number): string[] {
  const names = safeReaddir(dir);
  const removed = backupsToPrune(names, keep);
  for (const name of removed) rmSync(join(dir, name), { force: true });
  for (const name of names) {
    if (!PARTIAL.test(name) || !NIGHTLY.test(name.replace(PARTIAL, ''))) continue;
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs > STALE_PARTIAL_MS) rmSync(path, { force: true });
    } catch {
      // gone meanwhile
    }
  }
  return removed.map((name) => join(dir, name));
}

/**
 * `city-brain-<date>T<hh-mm-ss>.sqlite` (local time) for a copy made by hand into a folder:
 * never taken for a nightly one, so never pruned.
 */
export function manualBackupName(at: number, utcOffsetMinutes: number): string {
  const local = new Date(at + utcOffsetMinutes * 60_000).toISOString();
  return `city-brain-${local.slice(0, 10)}T${local.slice(11, 19).replaceAll(':', '-')}.sqlite`;
}
