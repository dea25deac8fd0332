import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { newestBackup } from './backup.js';
import { moduleLog } from '../log.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';

/** The event log's file in the data directory. */
export const DATABASE_FILE = 'city-brain.sqlite';
/** The data directory's lock: a small SQLite file whose OS-level lock one server holds. */
export const LOCK_FILE = 'city-brain.lock';
/**
 * How long a statement waits for a lock another connection holds before SQLITE_BUSY: a backup,
 * the checkpoint worker or a `sqlite3` shell in another process delays a write, never fails it.
 */
export const BUSY_TIMEOUT_MS = 5000;

/** About 40 MB of WAL: far past what the worker lets accumulate between its checkpoints. */
const WRITER_CHECKPOINT_PAGES = 10_000;
const SQLITE_DEFAULT_CHECKPOINT_PAGES = 1_000;
/** How many of quick_check's complaints the refusal shows. */
const SHOWN_PROBLEMS = 5;

const log = moduleLog('store');

export interface OpenDatabaseOptions {
  /**
   * SQLite's `synchronous` with WAL: `full` fsyncs the WAL at every commit, so an acknowledged
   * write survives a power cut; `normal` fsyncs only at checkpoints, so it survives a killed
   * process but a power cut may take the last commits.
   */
  synchronous: 'full' | 'normal';
  /** The nightly backups' folder, named to the operator when the file turns out damaged. */
  backupDir?: string | undefined;
  /** Brings the schema up to date: after the integrity check, before anything else writes. */
  migrate(db: Database.Database): void;
}

export interface OpenDatabase {
  db: Database.Database;
  file: string;
  /** Stops the checkpoint worker, closes the connection and frees the data directory. */
  close(): Promise<void>;
}

/** The store cannot open: the message says why and what to do, for the operator to read. */
export class StoreOpenError extends Error {
  override name = 'StoreOpenError';
}

/** Another server (or this process) already has the data directory open. */
export class DataDirInUseError extends StoreOpenError {
  override name = 'DataDirInUseError';
}

/** The database file failed its integrity check, or SQLite found it malformed while opening. */
export class DamagedDatabaseError extends StoreOpenError {
  override name = 'DamagedDatabaseError';
}

export function databaseFile(dataDir: string): string {
  return join(resolve(dataDir), DATABASE_FILE);
}

/**
 * Opens the data directory's SQLite file for the one server that may write it: takes the
 * directory's lock, sets the pragmas, checks the file's integrity, migrates, and starts the
 * checkpoint worker. Throws a {@link StoreOpenError} when another process holds the directory or
 * the file is damaged; nothing is left open then.
 */
export function openDatabase(dataDir: string, options: OpenDatabaseOptions): OpenDatabase {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  // The lock comes first, so a second server never so much as recovers the WAL under the first.
  const lock = lockDataDir(dir);
  const file = databaseFile(dir);
  let db: Database.Database | undefined;
  let checkpointer: Checkpointer;
  try {
    const opened = (db = new Database(file, { timeout: BUSY_TIMEOUT_MS }));
    opened.pragma('journal_mode = WAL');
    opened.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    opened.pragma('foreign_keys = ON');
    checkIntegrity(opened, file, options.backupDir);
    options.migrate(opened);
    // Checkpoints run on a worker thread; the writer only takes one should the WAL grow past
    // this many pages (the worker stuck or gone), so the file stays bounded either way.
    opened.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
    checkpointer = startCheckpointer(file, options.synchronous, (err) => {
      log.error({ err }, 'the checkpoint worker failed; checkpointing on the writer again');
      opened.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_CHECKPOINT_PAGES}`);
    });
  } catch (err) {
    db?.close();
    lock.release();
    if (isCorruption(err)) throw damaged(file, (err as Error).message, options.backupDir);
    throw err;
  }
  const opened = db;
  let closing: Promise<void> | undefined;
  return {
    db: opened,
    file,
    close() {
      closing ??= (async () => {
        await checkpointer.stop();
        opened.close();
        // Only once the file is closed may the next server have the directory.
        lock.release();
      })();
      return closing;
    },
  };
}

/**
 * `quick_check` reads every page and checks the b-trees' structure (not the indexes against
 * their tables, which is integrity_check's far slower extra): a file damaged by a disk, a torn copy
 * or a bad restore is refused at start instead of failing some query later.
 */
function checkIntegrity(db: Database.Database, file: string, backupDir: string | undefined): void {
  const rows = db.pragma(`quick_check(${SHOWN_PROBLEMS})`) as Record<string, string>[];
  const problems = rows.flatMap((row) => String(Object.values(row)[0]).split('\n'));
  if (problems.length === 1 && problems[0] === 'ok') return;
  throw damaged(file, problems.slice(0, SHOWN_PROBLEMS).join('; '), backupDir);
}

function damaged(
  file: string,
  detail: string,
  backupDir: string | undefined,
): DamagedDatabaseError {
  const newest = backupDir ? newestBackup(backupDir) : undefined;
  const where = newest
    ? `the newest backup is ${newest}`
    : backupDir
      ? `no backup found in ${backupDir}`
      : 'no backup folder is configured (store.backup.dir, BACKUP_DIR)';
  return new DamagedDatabaseError(
    `the database ${file} is damaged (${detail}); the server will not start on it. ` +
      `Restore a backup (${where}): stop the service, keep the damaged file aside, copy the backup ` +
      `to ${file}, delete ${file}-wal and ${file}-shm, start (docs/DEPLOY.md, "Backups and restore")`,
  );
}

function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (
    typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
  );
}

interface DataDirLock {
  release(): void;
}

/**
 * One server per data directory: two would both hand out the same event sequence numbers and
 * ids, and overwrite each other's incidents. The lock is SQLite's own OS-level file lock
 * (fcntl) on a small separate file, so the kernel drops it when its process dies however it
 * dies: no stale lock after a crash or a SIGKILL, and no pid that a later process may reuse.
 * The holder keeps a write transaction open (a RESERVED lock): another process can still read
 * the holder's pid from the file, for the refusal, but cannot begin a write. Not the database's
 * own exclusive locking mode, so `npm run backup` can still read the database meanwhile.
 *
 * The file is never deleted: a process that opened it just before would lock a file nobody
 * else sees. And nothing else in this process may open and close it: closing any descriptor of
 * a file drops all of the process's fcntl locks on it (SQLite's own connections know to share).
 */
function lockDataDir(dir: string): DataDirLock {
  const file = join(dir, LOCK_FILE);
  // No waiting: a held lock is held for as long as its server runs.
  const lock = new Database(file, { timeout: 0 });
  try {
    lock.exec(
      'CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, host TEXT NOT NULL, since TEXT NOT NULL)',
    );
    lock.exec('BEGIN IMMEDIATE');
    lock
      .prepare('INSERT OR REPLACE INTO holder (id, pid, host, since) VALUES (1, ?, ?, ?)')
      .run(process.pid, hostname(), new Date().toISOString());
    // The commit waits out a reader of the holder row (its SHARED lock) for a moment.
    lock.pragma('busy_timeout = 1000');
    lock.exec('COMMIT');
    lock.pragma('busy_timeout = 0');
    // Held from here on. A process that started at the same instant and slipped in between the
    // commit and this BEGIN holds it instead, and this one is refused below: never both.
    lock.exec('BEGIN IMMEDIATE');
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'SQLITE_BUSY') {
      lock.close();
      if (!isCorruption(err)) throw err;
      throw new StoreOpenError(
        `the lock file ${file} is not a readable SQLite file (${(err as Error).message}): ` +
          'with no city-brain server running on this directory, delete it and start again',
      );
    }
    const holder = readHolder(lock);
    lock.close();
    throw new DataDirInUseError(
      `the data directory ${dir} is in use by another city-brain server (${holder}); ` +
        'stop it first: two servers on one database would hand out the same event numbers and ids',
    );
  }
  return {
    release() {
      if (lock.open) lock.close(); // ends the transaction: the OS lock goes with it
    },
  };
}

function readHolder(lock: Database.Database): string {
  try {
    // The holder may be committing its row this very moment (an EXCLUSIVE lock): wait for it.
    lock.pragma('busy_timeout = 1000');
    const row = lock.prepare('SELECT pid, host, since FROM holder WHERE id = 1').get() as
      { pid: number; host: string; since: string } | undefined;
    if (!row) return 'pid unknown';
    const self = row.pid === process.pid && row.host === hostname() ? ': this process' : '';
    return `pid ${row.pid}${self} on ${row.host}, since ${row.since}`;
  } catch {
    return 'pid unknown';
  }
}

/** What `openSqliteStore` takes after the data directory. */
export interface StoreOptions {
  /** `full` unless said otherwise: see {@link OpenDatabaseOptions.synchronous}. */
  synchronous?: 'full' | 'normal' | undefined;
  /** See {@link OpenDatabaseOptions.backupDir}. */
  backupDir?: string | undefined;
  /** The centre's offset from UTC: the statistics count by its calendar days (default +8 h). */
  utcOffsetMinutes?: number;
}
