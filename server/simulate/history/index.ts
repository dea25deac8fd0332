import type { City, Incident } from '../../../shared/index.js';
import type { Config } from '../../config.js';
import { moduleLog } from '../../log.js';
import { databaseFile } from '../../store/open-database.js';
import { openSqliteStore } from '../../store/sqlite-store.js';
import type { SimCity } from '../places.js';
import { makeHistoryInParts } from './parts.js';

export { makeHistory, type HistoryOptions, type HistoryResult } from './make-history.js';

const log = moduleLog('simulator');
/** The demo's past is the same every first start with the same end: the seed is fixed. */
const HISTORY_SEED = 20_260_101;

/**
 * On a first start of the demo (an empty store), makes `config.demoHistoryDays` of past and
 * writes it to the store before the server opens it. Returns the matters still open at the
 * end, which the live simulator's desk takes over; on later starts, none.
 */
export async function prepareDemoHistory(
  config: Config,
  city: SimCity & City,
  now: Date,
): Promise<Incident[]> {
  if (config.demoHistoryDays <= 0) return [];
  const store = openSqliteStore(config.dataDir, {
    synchronous: config.store.synchronous,
    backupDir: config.store.backup.dir,
    utcOffsetMinutes: config.utcOffsetMinutes,
  });
  try {
    if ((await store.firstReportedAt()) !== undefined || store.lastSeq() > 0) return [];
    const started = performance.now();
    log.info(`making ${config.demoHistoryDays} days of the demo city's past (first start only)`);
    const result = await makeHistoryInParts({
      city,
      levels: config.levels,
      days: config.demoHistoryDays,
      end: now,
      seed: HISTORY_SEED,
      utcOffsetMinutes: config.utcOffsetMinutes,
      databaseFile: databaseFile(config.dataDir),
      progress: (made) => {
        if (made % 10 === 0) log.info(`past: ${made} of ${config.demoHistoryDays} days made`);
      },
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log.info(
      `past made in ${seconds} s: ${result.incidents} incidents, ${result.reports} reports, ${result.open.length} still open`,
    );
    return result.open;
  } finally {
    await store.close();
  }
}
