// npm run backup -- <file | folder>: a consistent copy of the event log while the server runs
// (SQLite's online backup API, from this separate process, reading only). Reads the same
// configuration as the server (CONFIG_FILE, DATA_DIR) to find the database.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { BackupError, backupDatabase, manualBackupName } from '../store/backup.js';
import { databaseFile, LOCK_FILE } from '../store/open-database.js';

export const USAGE = `usage: npm run backup -- <file | folder>

Copies the event log (<DATA_DIR>/city-brain.sqlite) to <file>, consistently, while the server
runs and writes: the copy is the database as of one instant. Into a folder, the copy is named
city-brain-<date>T<time>.sqlite (the centre's local time). The copy is written under a
temporary name, checked (quick_check) and renamed only then, so <file> is never half-written;
an existing <file> is replaced.

Prints the copy's size and its last event sequence number. The accounts file, the settings
and the city package are not in it: docs/DEPLOY.md, "Backups and restore".
`;

class CliError extends Error {}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (parsed.positionals.length !== 1) throw new CliError(USAGE);
  const config = loadConfig();
  const source = databaseFile(config.dataDir);
  let dest = resolve(parsed.positionals[0]!);
  if (isDirectory(dest)) dest = join(dest, manualBackupName(Date.now(), config.utcOffsetMinutes));
  // Never onto the live database, its -wal or -shm, or the directory's lock.
  const own = ['', '-wal', '-shm', '-journal'].map((suffix) => source + suffix);
  if (own.includes(dest) || dest === join(config.dataDir, LOCK_FILE)) {
    throw new CliError(`${dest} is the live database's own file: name a file elsewhere`);
  }
  if (!isFile(source)) {
    throw new CliError(`no database at ${source} (DATA_DIR ${config.dataDir}): nothing to copy`);
  }
  const result = await backupDatabase(source, dest);
  const seq = result.lastSeq === null ? 'none' : String(result.lastSeq);
  process.stdout.write(
    `backup written: ${result.file}\n` +
      `  ${formatBytes(result.bytes)} (${result.bytes} bytes), last event seq ${seq}, ` +
      `quick_check ok, ${(result.ms / 1000).toFixed(1)} s\n`,
  );
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024).toFixed(0)} kB`;
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof CliError || err instanceof ConfigError || err instanceof BackupError) {
    process.stderr.write(`error: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
