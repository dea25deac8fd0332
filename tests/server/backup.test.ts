// Backups: the nightly schedule and its pruning (an injected clock plays the nights), and
// `npm run backup` under load, restored into a fresh server that finds every report
// acknowledged before the backup began. Real SQLite files, real server, real CLI process.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  backupDatabase,
  backupsToPrune,
  nextBackupTime,
  nightlyBackupName,
  startNightlyBackups,
  type BackupLog,
  type BackupResult,
  type NightlyDeps,
} from '../../server/store/backup.js';
import { databaseFile } from '../../server/store/open-database.js';
import { openSqliteStore } from '../../server/store/sqlite-store.js';
import { fillEvents } from '../support/store.js';
import { api, login, postReport, report, startTestServer, waitFor } from '../support/server.js';

const temp = mkdtempSync(join(tmpdir(), 'citybrain-backup-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(temp, `dir-${++dirs}`);

const CHINA = 480; // UTC+8, minutes
const at = (iso: string) => Date.parse(iso);

describe('the nightly schedule', () => {
  it('is the next configured hour, local time, strictly after now', () => {
    // 10:00 in Beijing: tonight's 03:00 has passed, so tomorrow's (19:00 UTC today).
    expect(nextBackupTime(at('2026-03-01T10:00:00+08:00'), 3, CHINA)).toBe(
      at('2026-03-02T03:00:00+08:00'),
    );
    expect(nextBackupTime(at('2026-03-01T02:59:59+08:00'), 3, CHINA)).toBe(
      at('2026-03-01T03:00:00+08:00'),
    );
    expect(nextBackupTime(at('2026-03-01T03:00:00+08:00'), 3, CHINA)).toBe(
      at('2026-03-02T03:00:00+08:00'),
    );
    // West of Greenwich, across the UTC date line.
    expect(nextBackupTime(at('2026-03-01T12:00:00Z'), 23, -300)).toBe(
      at('2026-03-01T23:00:00-05:00'),
    );
    expect(nightlyBackupName(at('2026-03-01T19:00:00Z'), CHINA)).toBe(
      'city-brain-2026-03-02.sqlite',
    );
  });

  it('prunes only nightly files, oldest first, keeping the newest', () => {
    const names = [
      'city-brain-2026-03-03.sqlite',
      'city-brain-2026-03-01.sqlite',
      'city-brain-2026-03-05.sqlite',
      'city-brain-2026-03-04.sqlite',
      'city-brain-2026-03-02.sqlite',
      'city-brain-2026-02-01T10-00-00.sqlite', // by hand: never pruned
      'before-upgrade.sqlite',
      'city-brain-2026-03-06.sqlite.partial-1-2',
    ];
    expect(backupsToPrune(names, 3)).toEqual([
      'city-brain-2026-03-02.sqlite',
      'city-brain-2026-03-01.sqlite',
    ]);
    expect(backupsToPrune(names, 7)).toEqual([]);
  });

  it('runs each night at the hour, keeps `keep`, and survives a failed night', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(join(dir, 'before-upgrade.sqlite'), 'kept: not a nightly backup');
    const stalePartial = join(dir, 'city-brain-2026-02-20.sqlite.partial-99-1');
    const freshPartial = join(dir, 'city-brain-2026-03-01.sqlite.partial-99-2');
    writeFileSync(stalePartial, 'a crashed backup');
    writeFileSync(freshPartial, 'maybe still being written');

    const world = fakeWorld(at('2026-03-01T10:00:00+08:00'));
    // Their ages on the schedule's clock: two days old, and one hour before the last night.
    const stale = new Date(world.now() - 48 * 3_600_000);
    const fresh = new Date(at('2026-03-05T02:00:00+08:00'));
    utimesSync(stalePartial, stale, stale);
    utimesSync(freshPartial, fresh, fresh);
    const runs: { dest: string; at: number }[] = [];
    const log = recordingLog();
    const nightly = startNightlyBackups(
      '/data/city-brain.sqlite',
      { dir, hour: 3, keep: 2 },
      CHINA,
      log,
      {
        ...world.deps,
        async backup(source, dest) {
          runs.push({ dest, at: world.now() });
          if (runs.length === 2) throw new Error('disk full');
          writeFileSync(dest, 'backup');
          return { file: dest, bytes: 6, lastSeq: runs.length, ms: 1 };
        },
      },
    );
    expect(nightly.nextAt).toBe(at('2026-03-02T03:00:00+08:00'));

    // Four nights, the last one finished (the fifth night's timer set).
    await world.runUntil(() => runs.length === 4 && world.pending() > 0);
    expect(runs).toEqual([
      { dest: join(dir, 'city-brain-2026-03-02.sqlite'), at: at('2026-03-02T03:00:00+08:00') },
      { dest: join(dir, 'city-brain-2026-03-03.sqlite'), at: at('2026-03-03T03:00:00+08:00') },
      { dest: join(dir, 'city-brain-2026-03-04.sqlite'), at: at('2026-03-04T03:00:00+08:00') },
      { dest: join(dir, 'city-brain-2026-03-05.sqlite'), at: at('2026-03-05T03:00:00+08:00') },
    ]);
    // The failed night was said, with its error, and the next night ran as usual.
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]!.message).toMatch(/nightly backup failed/);
    expect((log.errors[0]!.fields as { err: Error }).err.message).toBe('disk full');
    // Two kept (the newest), the one made by hand untouched, the stale leftover gone.
    expect(readdirSync(dir).sort()).toEqual([
      'before-upgrade.sqlite',
      'city-brain-2026-03-01.sqlite.partial-99-2',
      'city-brain-2026-03-04.sqlite',
      'city-brain-2026-03-05.sqlite',
    ]);
    expect(nightly.nextAt).toBe(at('2026-03-06T03:00:00+08:00'));
    await nightly.stop();
    expect(nightly.nextAt).toBeUndefined();
    expect(world.pending()).toBe(0);
  });

  it('notices a clock set back by days instead of sleeping through them', async () => {
    const world = fakeWorld(at('2026-03-10T10:00:00+08:00'));
    const runs: number[] = [];
    const nightly = startNightlyBackups(
      '/data/city-brain.sqlite',
      { dir: freshDir(), hour: 3, keep: 2 },
      CHINA,
      recordingLog(),
      {
        ...world.deps,
        async backup(source, dest) {
          runs.push(world.now());
          return { file: dest, bytes: 0, lastSeq: null, ms: 0 };
        },
      },
    );
    world.setClock(at('2026-03-01T10:00:00+08:00')); // an NTP correction, a BIOS battery
    await world.runUntil(() => runs.length === 1);
    expect(runs).toEqual([at('2026-03-02T03:00:00+08:00')]);
    await nightly.stop();
  });

  it('does nothing without a backup folder', async () => {
    const world = fakeWorld(at('2026-03-01T10:00:00+08:00'));
    const nightly = startNightlyBackups('/x', { hour: 3, keep: 7 }, CHINA, recordingLog(), {
      ...world.deps,
    });
    expect(nightly.nextAt).toBeUndefined();
    expect(world.pending()).toBe(0);
    await nightly.stop();
  });

  it('writes a real, checked copy of a store file, in rollback mode, on its own', async () => {
    const dataDir = freshDir();
    const store = openSqliteStore(dataDir, { synchronous: 'normal' });
    await store.close();
    fillEvents(databaseFile(dataDir), 500);
    const dir = freshDir();
    const world = fakeWorld(at('2026-03-01T10:00:00+08:00'));
    const log = recordingLog();
    let done: Promise<BackupResult> | undefined;
    const nightly = startNightlyBackups(
      databaseFile(dataDir),
      { dir, hour: 3, keep: 7 },
      CHINA,
      log,
      {
        ...world.deps,
        backup: (source, dest, options) => (done = backupDatabase(source, dest, options)),
      },
    );
    await world.runUntil(() => done !== undefined);
    const result = await done!;
    await world.runUntil(() => log.infos.some((l) => l.message === 'nightly backup written'));
    const file = join(dir, 'city-brain-2026-03-02.sqlite');
    expect(result).toMatchObject({ file, lastSeq: 500 });
    expect(readdirSync(dir)).toEqual(['city-brain-2026-03-02.sqlite']); // no -wal, no leftovers
    const copy = new Database(file, { readonly: true });
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
    expect(copy.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 500 });
    copy.close();
    await nightly.stop();
  });
});

describe('a backup abandoned by a stopping server', () => {
  it('leaves neither the file nor its temporary copy behind', async () => {
    const dataDir = freshDir();
    await openSqliteStore(dataDir).close();
    fillEvents(databaseFile(dataDir), 100);
    const dir = freshDir();
    mkdirSync(dir);
    const abort = new AbortController();
    const backup = backupDatabase(databaseFile(dataDir), join(dir, 'x.sqlite'), {
      signal: abort.signal,
    });
    abort.abort(); // NightlyBackups.stop()
    await expect(backup).rejects.toThrow('backup abandoned');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('npm run backup under load, and the restore', () => {
  it('copies every report acknowledged before it began, with the event sequence unbroken', async () => {
    const dataDir = freshDir();
    // Ballast, about 32 MB in a table of its own, so the copy takes long enough for the server
    // to commit while it runs (a copy in small steps would then start over, again and again).
    await openSqliteStore(dataDir).close();
    const ballast = new Database(databaseFile(dataDir));
    ballast.exec('CREATE TABLE test_ballast (b BLOB NOT NULL)');
    ballast.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000)
                  INSERT INTO test_ballast SELECT randomblob(8000) FROM n`);
    ballast.close();
    const server = await startTestServer({ dataDir });
    const acknowledged: { externalId: string; incidentId: string }[] = [];
    let stop = false;
    // Integrations posting continuously, four at a time, each waiting for its answer.
    const writers = [0, 1, 2, 3].map(async (w) => {
      for (let i = 0; !stop; i++) {
        const r = report({
          externalId: `load-${w}-${i}`,
          category: i % 2 ? 'dispute' : 'citizen-request',
        });
        const res = await postReport(server.url, r);
        if (res.status >= 300) throw new Error(`report refused: ${res.status}`);
        acknowledged.push({ externalId: r.externalId, incidentId: res.body.incidentId });
      }
    });
    await waitFor(() => acknowledged.length >= 300, 45_000, '300 acknowledged reports');

    // Everything acknowledged now was committed before the backup process even started.
    const before = acknowledged.slice();
    const seqBefore = (await api(server.url, '/api/health')).body.seq as number;
    const dest = join(freshDir(), 'manual.sqlite');
    mkdirSync(join(dest, '..'));
    const cli = await runBackupCli(dataDir, dest);
    const acknowledgedByEnd = acknowledged.length;
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    // The load went on while the copy was made, and after it.
    expect(acknowledgedByEnd).toBeGreaterThan(before.length);
    await waitFor(
      () => acknowledged.length >= acknowledgedByEnd + 50,
      45_000,
      'more reports after the backup',
    );
    stop = true;
    await Promise.all(writers);
    const after = acknowledged.slice(acknowledgedByEnd);
    await server.stop();

    // The copy: whole, self-contained, its events numbered 1..n without a gap.
    expect(existsSync(`${dest}-wal`)).toBe(false);
    const copy = new Database(dest, { readonly: true });
    expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
    const events = copy.prepare('SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi FROM events');
    const { n, lo, hi } = events.get() as { n: number; lo: number; hi: number };
    expect(lo).toBe(1);
    expect(n).toBe(hi);
    expect(hi).toBeGreaterThanOrEqual(seqBefore);
    expect(cli.stdout).toContain(`backup written: ${dest}`);
    expect(cli.stdout).toContain(`last event seq ${hi},`);
    // A snapshot, not the live file: nothing acknowledged after the CLI finished is in it.
    const hasReport = copy.prepare('SELECT count(*) AS n FROM reports WHERE external_id = ?');
    for (const { externalId } of after)
      expect((hasReport.get(externalId) as { n: number }).n).toBe(0);
    copy.close();

    // The restore: the copy as a fresh server's database.
    const restoreDir = freshDir();
    mkdirSync(restoreDir);
    copyFileSync(dest, join(restoreDir, 'city-brain.sqlite'));
    const restored = await startTestServer({ dataDir: restoreDir });
    // The restored server's own database, read beside it as the backup CLI would.
    const live = new Database(databaseFile(restoreDir), { readonly: true });
    try {
      const token = await login(restored.url, 'duty');
      // Each incident through the API; each report in the restored store, with its incident.
      for (const incidentId of new Set(before.map((r) => r.incidentId))) {
        const { status, body } = await api(restored.url, `/api/v1/incidents/${incidentId}`, {
          token,
        });
        expect(status).toBe(200);
        expect(body.incident.id).toBe(incidentId);
      }
      const incidentOf = live.prepare(
        'SELECT incident_id AS id FROM reports WHERE external_id = ?',
      );
      for (const { externalId, incidentId } of before)
        expect(incidentOf.get(externalId), externalId).toEqual({ id: incidentId });
      // An integration retrying one of them is told it is known.
      const retry = await postReport(
        restored.url,
        report({ externalId: before[0]!.externalId, category: 'citizen-request' }),
      );
      expect(retry.body.result).toBe('duplicate');
      // The sequence goes on from the copy's last event, without a gap.
      expect((await api(restored.url, '/api/health')).body.seq).toBe(hi);
      // A new report: its own incident, or attached to an open one nearby (the load left many).
      const next = await postReport(restored.url, report({ externalId: 'after-restore' }));
      expect(next.status).toBeLessThan(300);
      expect(next.body.result).not.toBe('duplicate');
      expect((await api(restored.url, '/api/health')).body.seq).toBeGreaterThan(hi);
      const all = live.prepare('SELECT count(*) AS n, max(seq) AS hi FROM events').get() as {
        n: number;
        hi: number;
      };
      expect(all.hi).toBeGreaterThan(hi);
      expect(all.n).toBe(all.hi);
    } finally {
      live.close();
      await restored.stop();
    }
  }, 150_000);

  it('copies a stopped server too, into a folder, and refuses to overwrite the database', async () => {
    const dataDir = freshDir();
    const store = openSqliteStore(dataDir, { synchronous: 'normal' });
    await store.close();
    fillEvents(databaseFile(dataDir), 10);
    const folder = freshDir();
    mkdirSync(folder);
    const ok = await runBackupCli(dataDir, folder);
    expect(ok.code).toBe(0);
    const [name] = readdirSync(folder);
    expect(name).toMatch(/^city-brain-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.sqlite$/);
    expect(ok.stdout).toContain('last event seq 10,');

    const self = await runBackupCli(dataDir, databaseFile(dataDir));
    expect(self.code).toBe(1);
    expect(self.stderr).toContain("is the live database's own file");
    const none = await runBackupCli(freshDir(), join(folder, 'x.sqlite'));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/error: no database at .*city-brain\.sqlite/);
  }, 30_000);
});

/** The backup CLI as the operator runs it: its own process, the server's DATA_DIR. */
function runBackupCli(
  dataDir: string,
  dest: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/cli/backup.ts', dest], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })));
}

function recordingLog() {
  const infos: { fields: object; message: string }[] = [];
  const errors: { fields: object; message: string }[] = [];
  const log: BackupLog & { infos: typeof infos; errors: typeof errors } = {
    infos,
    errors,
    info: (fields, message) => infos.push({ fields, message }),
    error: (fields, message) => errors.push({ fields, message }),
  };
  return log;
}

/**
 * A wall clock and timers the test moves: each step lets time pass up to the earliest pending
 * timer and fires it, then lets the promise jobs it started (a backup's) settle. Timers count
 * elapsed time, as Node's do, so setting the wall clock does not move them.
 */
function fakeWorld(start: number) {
  let clock = start;
  let elapsed = 0;
  let timers: { at: number; fn: () => void }[] = [];
  const deps: Pick<NightlyDeps, 'now' | 'setTimer'> = {
    now: () => clock,
    setTimer(fn, ms) {
      const timer = { at: elapsed + ms, fn };
      timers.push(timer);
      return { clear: () => (timers = timers.filter((t) => t !== timer)) };
    },
  };
  return {
    deps,
    now: () => clock,
    setClock: (to: number) => (clock = to),
    pending: () => timers.length,
    async runUntil(done: () => boolean, maxSteps = 1000) {
      for (let step = 0; !done(); step++) {
        if (step >= maxSteps) throw new Error('the schedule never got there');
        const next = timers.sort((a, b) => a.at - b.at).shift();
        if (next) {
          clock += next.at - elapsed;
          elapsed = next.at;
          next.fn();
        }
        // A real backup runs on a worker thread: give it the event loop until it answers.
        await new Promise((resolve) => setTimeout(resolve, next ? 0 : 10));
      }
    },
  };
}
