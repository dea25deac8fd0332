// Opening the store: its pragmas, one server per data directory, and a damaged file refused with
// the way back named. Real SQLite files, real processes.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BUSY_TIMEOUT_MS,
  DamagedDatabaseError,
  databaseFile,
  DataDirInUseError,
  openDatabase,
} from '../../server/store/open-database.js';
import { openSqliteStore } from '../../server/store/sqlite-store.js';
import { fillEvents } from '../support/store.js';

const temp = mkdtempSync(join(tmpdir(), 'citybrain-open-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(temp, { recursive: true, force: true });
});

let dirs = 0;
const freshDir = () => join(temp, `data-${++dirs}`);
const noMigrations = () => {};

describe('the store connection', () => {
  it('is WAL with foreign keys, waits for locks, and takes synchronous from its options', async () => {
    const full = openDatabase(freshDir(), { synchronous: 'full', migrate: noMigrations });
    expect(full.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(full.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(full.db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
    expect(full.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    await full.close();
    const normal = openDatabase(freshDir(), { synchronous: 'normal', migrate: noMigrations });
    expect(normal.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    await normal.close();
  });

  it('waits for a write lock held by another process instead of failing with SQLITE_BUSY', async () => {
    const dir = freshDir();
    const opened = openDatabase(dir, {
      synchronous: 'normal',
      migrate: (db) => db.exec('CREATE TABLE IF NOT EXISTS t (who TEXT NOT NULL)'),
    });
    // Another process takes the database's write lock and keeps it for a while, as a
    // `sqlite3` shell or a second writer would.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
         const db = new Database(process.argv[1]);
         db.exec('BEGIN IMMEDIATE');
         db.prepare("INSERT INTO t (who) VALUES ('holder')").run();
         console.log('locked');
         setTimeout(() => { db.exec('COMMIT'); db.close(); }, 400);`,
        opened.file,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    children.push(holder);
    await new Promise<void>((resolve) =>
      holder.stdout!.on('data', (c: Buffer) => c.toString().includes('locked') && resolve()),
    );
    // Without a busy timeout a write fails at once: the lock is really held.
    const impatient = new Database(opened.file, { timeout: 0 });
    expect(() => impatient.prepare("INSERT INTO t (who) VALUES ('impatient')").run()).toThrow(
      /database is locked/,
    );
    impatient.close();
    // The store's connection waits for the holder's commit, then writes.
    opened.db.prepare("INSERT INTO t (who) VALUES ('store')").run();
    const rows = opened.db.prepare('SELECT who FROM t ORDER BY rowid').all();
    expect(rows).toEqual([{ who: 'holder' }, { who: 'store' }]);
    await opened.close();
  });
});

describe('one server per data directory', () => {
  it('refuses a second open in the same process, naming the directory and the pid', async () => {
    const dir = freshDir();
    const first = openSqliteStore(dir, { synchronous: 'normal' });
    expect(() => openSqliteStore(dir)).toThrow(DataDirInUseError);
    expect(() => openSqliteStore(dir)).toThrow(
      `the data directory ${dir} is in use by another city-brain server (pid ${process.pid}: this process`,
    );
    await first.close();
    const second = openSqliteStore(dir);
    expect(second.lastSeq()).toBe(0);
    await second.close();
  });

  it('refuses a second server process while the first runs, and frees the directory when it is killed', async () => {
    const dir = freshDir();
    const first = await launchServer(dir);
    const pid = first.process.pid!;
    const inUse = `the data directory ${dir} is in use by another city-brain server (pid ${pid} on `;
    expect(() => openSqliteStore(dir)).toThrow(inUse);

    // A second real server on the same directory stops at start with the same message.
    const second = await launchServer(dir).then(
      () => undefined,
      (err: Error & { stderr: string; code: number | null }) => err,
    );
    expect(second?.code).toBe(1);
    expect(second?.stderr).toContain(inUse);

    // The backup CLI may still read the database meanwhile: the lock is not on the database.
    const reader = new Database(databaseFile(dir), { readonly: true });
    expect(reader.pragma('quick_check', { simple: true })).toBe('ok');
    reader.close();

    // Killed without any chance to clean up, the holder leaves no stale lock behind.
    const exited = new Promise((resolve) => first.process.once('exit', resolve));
    first.process.kill('SIGKILL');
    await exited;
    const store = openSqliteStore(dir);
    await store.close();
  }, 60_000);
});

describe('a damaged database file', () => {
  it('is refused at start, naming the file and the newest backup; a restored copy opens', async () => {
    const good = freshDir();
    const store = openSqliteStore(good, { synchronous: 'normal' });
    await store.close();
    fillEvents(databaseFile(good), 3000);

    const backupDir = join(temp, 'backups');
    mkdirSync(backupDir, { recursive: true });
    const older = join(backupDir, 'city-brain-2026-01-01.sqlite');
    const newer = join(backupDir, 'city-brain-2026-01-02.sqlite');
    copyFileSync(databaseFile(good), older);
    copyFileSync(databaseFile(good), newer);
    writeFileSync(join(backupDir, 'notes.txt'), 'not a backup');
    utimesSync(older, new Date('2026-01-01T19:00:00Z'), new Date('2026-01-01T19:00:00Z'));
    utimesSync(newer, new Date('2026-01-02T19:00:00Z'), new Date('2026-01-02T19:00:00Z'));

    // Pages in the middle of the file overwritten, as a failing disk would.
    const damaged = freshDir();
    mkdirSync(damaged);
    const file = databaseFile(damaged);
    copyFileSync(databaseFile(good), file);
    const pages = statSync(file).size / 4096;
    overwritePages(file, Math.floor(pages / 2), 4);
    const open = () => openSqliteStore(damaged, { synchronous: 'normal', backupDir });
    expect(open).toThrow(DamagedDatabaseError);
    expect(open).toThrow(`the database ${file} is damaged (`);
    expect(open).toThrow(`the newest backup is ${newer}`);
    expect(open).toThrow('docs/DEPLOY.md, "Backups and restore"');

    // The header itself destroyed: SQLite says "not a database"; refused the same way.
    overwritePages(file, 0, 1);
    expect(open).toThrow(`the database ${file} is damaged (file is not a database)`);
    // Without a backup folder configured, the refusal says so.
    expect(() => openSqliteStore(damaged)).toThrow('no backup folder is configured');

    // The restore the message describes: the backup in place of the file, its -wal and -shm
    // gone. The refused opens left the directory free.
    copyFileSync(newer, file);
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    const restored = openSqliteStore(damaged, { synchronous: 'normal', backupDir });
    expect(restored.lastSeq()).toBe(3000);
    await restored.close();
  });
});

function overwritePages(file: string, first: number, count: number): void {
  const fd = openSync(file, 'r+');
  const junk = Buffer.alloc(4096 * count, 0xa5);
  writeSync(fd, junk, 0, junk.length, first * 4096);
  closeSync(fd);
}

/** The real server as its own process (as durability.test.ts starts it), on any free port. */
function launchServer(dataDir: string): Promise<{ process: ChildProcess }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO: 'true',
      DEMO_ORIGIN_PORT: '0',
      SIMULATE: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    proc.stdout!.on(
      'data',
      (c: Buffer) => c.toString().includes('listening') && resolve({ process: proc }),
    );
    // 'close', not 'exit': by then its stderr has been read to the end.
    proc.once('close', (code) =>
      reject(Object.assign(new Error(`server exited with ${code}`), { code, stderr })),
    );
  });
}
