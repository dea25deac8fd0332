import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the worker folds the WAL back into the database file when it has caught up. */
const IDLE_MS = 250;
/** How soon it tries again when writes landed while it worked, so the WAL can start over. */
const BEHIND_MS = 5;
/** As the writer's (open-database.ts); not imported from there, which imports this module. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The worker's code, as a string: it must run where no TypeScript loader is registered (the
 * tests' and tsx's workers do not inherit one). A second connection to the same file runs
 * PASSIVE checkpoints, which never block the writer; once one has copied every frame, the
 * writer's next transaction starts the WAL over from the beginning.
 */
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma('synchronous = ' + workerData.synchronous);
let timer;
const run = () => {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  const behind = result && result.log > result.checkpointed;
  timer = setTimeout(run, behind ? workerData.behindMs : workerData.idleMs);
};
timer = setTimeout(run, workerData.idleMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Checkpoints a WAL-mode SQLite file from a worker thread. A checkpoint copies pages and fsyncs
 * the file: on the writer's thread it stalled every request and socket for milliseconds to tens
 * of milliseconds. Should the worker fail, `onFailure` lets the writer take checkpoints back.
 */
export function startCheckpointer(
  file: string,
  synchronous: 'normal' | 'full',
  onFailure: (err: Error) => void,
): Checkpointer {
  const worker = new Worker(SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      file,
      synchronous: synchronous.toUpperCase(),
      // Opening waits out a writer's brief exclusive moments (WAL recovery) instead of failing;
      // the PASSIVE checkpoints themselves never wait for anyone.
      busyTimeoutMs: BUSY_TIMEOUT_MS,
      idleMs: IDLE_MS,
      behindMs: BEHIND_MS,
    },
  });
  worker.unref();
  let stopping = false;
  worker.on('error', (err) => {
    if (!stopping) onFailure(err);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      stopping = true;
      // Held while it stops: unreferenced, a process with nothing else to do would exit before
      // the worker did, and the store would never close its connection after it.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
