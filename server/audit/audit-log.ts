import { systemClock, type Clock } from '../live/clock.js';
import type { Store } from '../store/store.js';
import type { AuditEntry, AuditQuery, AuditRecord, AuditTrail } from './audit.js';

export interface AuditLogOptions {
  /** Entries older than this many days are pruned (config.audit.retentionDays). */
  retentionDays: number;
  clock?: Clock;
  /** How long an entry may wait to be written with others. */
  flushMs?: number;
  /** This many waiting entries are written at once, without waiting for the timer. */
  batchSize?: number;
  log?: Pick<Console, 'log' | 'error'>;
}

type AuditStore = Pick<Store, 'appendAudit' | 'queryAudit' | 'pruneAudit'>;

const DAY_MS = 86_400_000;
/** After a failed write, the next try: a full disk or a locked file rarely clears in 200 ms. */
const RETRY_MS = 5_000;
/**
 * Entries held while writes fail, newest kept: the trail must not take the server's memory
 * with it while the disk is full.
 */
const MAX_HELD = 100_000;

/**
 * The audit trail (审计日志) over the store. `record` only stamps the entry and queues it, so the
 * login, the stream URL or the wall push it describes never waits on the disk; queued entries
 * are written together in one transaction a moment later, when many queue up, before every
 * read and on close. Entries past the retention are pruned at start and daily.
 */
export class AuditLog implements AuditTrail {
  private readonly clock: Clock;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly log: Pick<Console, 'log' | 'error'>;
  private queued: (AuditEntry & { at: string })[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pruner: NodeJS.Timeout | undefined;
  /** Writes run one after another, so entries reach the table in the order they were recorded. */
  private writing: Promise<void> = Promise.resolve();
  private failing = false;
  private closed = false;

  constructor(
    private readonly store: AuditStore,
    private readonly options: AuditLogOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.flushMs = options.flushMs ?? 200;
    this.batchSize = options.batchSize ?? 500;
    this.log = options.log ?? console;
  }

  record(entry: AuditEntry): void {
    // Once closed the store is going too; the server has stopped doing things worth recording.
    if (this.closed) return;
    try {
      this.queued.push({ ...entry, ...detailOf(entry), at: this.clock().toISOString() });
    } catch (err) {
      // Recording never breaks what it records.
      this.log.error('audit: an entry could not be recorded', err);
      return;
    }
    if (this.queued.length >= this.batchSize) void this.flush();
    else this.schedule(this.flushMs);
  }

  /** Writes everything recorded so far; resolves once it is in the table (or the write failed). */
  flush(): Promise<void> {
    const run = this.writing.then(() => this.write());
    this.writing = run;
    return run;
  }

  /** Entries matching the query, newest first, everything recorded until now included. */
  async query(query: AuditQuery): Promise<{ total: number; entries: AuditRecord[] }> {
    await this.flush();
    return this.store.queryAudit(query);
  }

  /** Deletes entries past the retention; returns how many went (0 if the delete failed). */
  async prune(): Promise<number> {
    const before = new Date(this.clock().getTime() - this.options.retentionDays * DAY_MS);
    try {
      const pruned = await this.store.pruneAudit(before.toISOString());
      if (pruned)
        this.log.log(
          `audit: ${pruned} entries older than ${this.options.retentionDays} days pruned`,
        );
      return pruned;
    } catch (err) {
      this.log.error('audit: pruning old entries failed; tried again tomorrow', err);
      return 0;
    }
  }

  /** Prunes now and then once a day. */
  async start(): Promise<void> {
    this.pruner ??= setInterval(() => void this.prune(), DAY_MS).unref();
    await this.prune();
  }

  /** Writes what is queued and stops; the store may be closed after. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.pruner);
    await this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
    // A queued entry does not keep a stopping process alive; close() writes it.
    this.timer.unref();
  }

  private async write(): Promise<void> {
    const batch = this.queued;
    if (!batch.length) return;
    this.queued = [];
    try {
      await this.store.appendAudit(batch);
      if (this.failing) this.log.log('audit: writing entries again');
      this.failing = false;
    } catch (err) {
      // Kept for the next try, not lost: the trail is the record of who did what.
      const held = batch.concat(this.queued);
      const dropped = Math.max(0, held.length - MAX_HELD);
      this.queued = held.slice(dropped);
      if (!this.failing || dropped)
        this.log.error(
          `audit: writing ${batch.length} entries failed; ${this.queued.length} held, retrying${dropped ? `; ${dropped} oldest dropped` : ''}`,
          err,
        );
      this.failing = true;
      this.schedule(RETRY_MS);
    }
  }
}

/**
 * The entry's detail as it is now, as JSON can keep it: a caller changing its object later does
 * not change the trail, and a detail that cannot be written cannot hold up the entries with it.
 */
function detailOf(entry: AuditEntry): Pick<AuditEntry, 'detail'> {
  if (!entry.detail) return {};
  try {
    return { detail: JSON.parse(JSON.stringify(entry.detail)) as Record<string, unknown> };
  } catch {
    return { detail: { unrecordable: String(Object.keys(entry.detail)) } };
  }
}
