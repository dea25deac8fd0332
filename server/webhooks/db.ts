import Database from 'better-sqlite3';
import { BUSY_TIMEOUT_MS } from '../store/open-database.js';
import type {
  DeliveryStatus,
  SigningSubscription,
  WebhookDelivery,
  WebhookFilter,
  WebhookSubscription,
} from './types.js';

/** A delivery ready to be written: the body is fixed here, so every retry sends the same bytes. */
export interface NewDelivery {
  id: string;
  subscriptionId: string;
  seq: number;
  incidentId: string;
  event: string;
  body: string;
}

/** A delivery the sender is about to POST. */
export interface DueDelivery {
  id: string;
  subscriptionId: string;
  event: string;
  body: string;
  attempts: number;
  createdAt: string;
}

interface SubscriptionRow {
  id: string;
  name: string;
  url: string;
  secret: string;
  filter: string;
  active: number;
  from_seq: number;
  created_at: string;
  updated_at: string;
}

interface DeliveryRow {
  id: string;
  subscription_id: string;
  seq: number;
  incident_id: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  delivered_at: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The webhook tables (migration 4), on a connection of their own to the store's SQLite file:
 * the Store interface is the event log's, and SQLite's WAL lets both connections share the file
 * (every write here is synchronous on the one thread, so they never wait on each other).
 */
export class WebhookDb {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(file: string, synchronous: 'full' | 'normal') {
    this.db = new Database(file, { timeout: BUSY_TIMEOUT_MS, fileMustExist: true });
    this.db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // Per connection: a deleted subscription takes its deliveries with it.
    this.db.pragma('foreign_keys = ON');
    const db = this.db;
    this.stmt = {
      cursor: db.prepare('SELECT seq FROM webhook_cursor WHERE id = 1'),
      setCursor: db.prepare('UPDATE webhook_cursor SET seq = ? WHERE id = 1 AND seq < ?'),
      subscriptions: db.prepare('SELECT * FROM webhook_subscriptions ORDER BY created_at, id'),
      active: db.prepare('SELECT * FROM webhook_subscriptions WHERE active = 1'),
      subscription: db.prepare('SELECT * FROM webhook_subscriptions WHERE id = ?'),
      insertSubscription: db.prepare(`
        INSERT INTO webhook_subscriptions (id, name, url, secret, filter, active, from_seq, created_at, updated_at)
        VALUES (@id, @name, @url, @secret, @filter, @active, @fromSeq, @createdAt, @updatedAt)`),
      updateSubscription: db.prepare(`
        UPDATE webhook_subscriptions SET name = @name, url = @url, filter = @filter,
          active = @active, updated_at = @updatedAt WHERE id = @id`),
      setSecret: db.prepare(
        'UPDATE webhook_subscriptions SET secret = ?, updated_at = ? WHERE id = ?',
      ),
      deleteSubscription: db.prepare('DELETE FROM webhook_subscriptions WHERE id = ?'),
      insertDelivery: db.prepare(`
        INSERT INTO webhook_deliveries (id, subscription_id, seq, incident_id, event, body, status,
                                        attempts, next_attempt_at, created_at)
        VALUES (@id, @subscriptionId, @seq, @incidentId, @event, @body, 'pending', 0, @now, @createdAt)
        ON CONFLICT (subscription_id, seq) DO NOTHING`),
      // Due, its subscription active, and no earlier change of the same incident still waiting
      // for the same subscription: per incident, deliveries go in order; others are not held.
      due: db.prepare(`
        SELECT d.id, d.subscription_id AS subscriptionId, d.event, d.body, d.attempts,
               d.created_at AS createdAt
        FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND s.active = 1
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                          WHERE e.status = 'pending' AND e.subscription_id = d.subscription_id
                            AND e.incident_id = d.incident_id AND e.seq < d.seq)
        ORDER BY d.next_attempt_at, d.seq LIMIT ?`),
      nextDueAfter: db.prepare(`
        SELECT min(d.next_attempt_at) AS at
        FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND d.next_attempt_at > ? AND s.active = 1`),
      delivered: db.prepare(`
        UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1,
          last_status = ?, last_error = NULL, last_attempt_at = ?, delivered_at = ?,
          next_attempt_at = NULL
        WHERE id = ? AND status = 'pending'`),
      retry: db.prepare(`
        UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?,
          last_attempt_at = ?, next_attempt_at = ?
        WHERE id = ? AND status = 'pending'`),
      failed: db.prepare(`
        UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + 1, last_status = ?,
          last_error = ?, last_attempt_at = ?, next_attempt_at = NULL
        WHERE id = ? AND status = 'pending'`),
      redeliver: db.prepare(`
        UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?,
          delivered_at = NULL
        WHERE id = ? AND subscription_id = ?`),
      delivery: db.prepare('SELECT * FROM webhook_deliveries WHERE id = ? AND subscription_id = ?'),
      prune: db.prepare(
        "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ?",
      ),
    };
  }

  cursor(): number {
    return (this.stmt.cursor.get() as { seq: number }).seq;
  }

  /**
   * Writes the deliveries matched from the log up to `seq` and moves the cursor there, in one
   * transaction: a crash leaves both or neither, so no change is delivered twice or lost (one
   * server per data directory: nobody else matches the same log).
   */
  advance(seq: number, deliveries: NewDelivery[], now: number): void {
    this.db.transaction(() => {
      this.saveCursor(seq);
      const createdAt = new Date(now).toISOString();
      for (const d of deliveries) this.stmt.insertDelivery.run({ ...d, now, createdAt });
    })();
  }

  /** Moves the cursor forward (never back) to `seq`. */
  saveCursor(seq: number): void {
    this.stmt.setCursor.run(seq, seq);
  }

  subscriptions(): WebhookSubscription[] {
    return (this.stmt.subscriptions.all() as SubscriptionRow[]).map(toSubscription);
  }

  activeSubscriptions(): SigningSubscription[] {
    return (this.stmt.active.all() as SubscriptionRow[]).map((r) => ({
      ...toSubscription(r),
      secret: r.secret,
    }));
  }

  subscription(id: string): SigningSubscription | undefined {
    const row = this.stmt.subscription.get(id) as SubscriptionRow | undefined;
    return row && { ...toSubscription(row), secret: row.secret };
  }

  insertSubscription(s: SigningSubscription): void {
    this.stmt.insertSubscription.run({
      ...s,
      filter: JSON.stringify(s.filter),
      active: s.active ? 1 : 0,
    });
  }

  updateSubscription(s: WebhookSubscription): void {
    this.stmt.updateSubscription.run({
      id: s.id,
      name: s.name,
      url: s.url,
      filter: JSON.stringify(s.filter),
      active: s.active ? 1 : 0,
      updatedAt: s.updatedAt,
    });
  }

  setSecret(id: string, secret: string, at: string): boolean {
    return this.stmt.setSecret.run(secret, at, id).changes === 1;
  }

  deleteSubscription(id: string): boolean {
    return this.stmt.deleteSubscription.run(id).changes === 1;
  }

  due(now: number, limit: number): DueDelivery[] {
    return this.stmt.due.all(now, limit) as DueDelivery[];
  }

  /** When the next retry after `now` falls due (ms), if any is waiting. */
  nextDueAfter(now: number): number | undefined {
    return (this.stmt.nextDueAfter.get(now) as { at: number | null }).at ?? undefined;
  }

  markDelivered(id: string, status: number, now: number): void {
    const at = new Date(now).toISOString();
    this.stmt.delivered.run(status, at, at, id);
  }

  markRetry(id: string, status: number | null, error: string, now: number, next: number): void {
    this.stmt.retry.run(status, error, new Date(now).toISOString(), next, id);
  }

  markFailed(id: string, status: number | null, error: string, now: number): void {
    this.stmt.failed.run(status, error, new Date(now).toISOString(), id);
  }

  /** Sends a delivery again from the start of the schedule, with the same id and body. */
  redeliver(subscriptionId: string, id: string, now: number): boolean {
    return this.stmt.redeliver.run(now, id, subscriptionId).changes === 1;
  }

  delivery(subscriptionId: string, id: string): WebhookDelivery | undefined {
    const row = this.stmt.delivery.get(id, subscriptionId) as DeliveryRow | undefined;
    return row && toDelivery(row);
  }

  /** One page of a subscription's deliveries, newest change first. */
  deliveries(
    subscriptionId: string,
    q: { status?: DeliveryStatus | undefined; limit: number; offset: number },
  ): { total: number; deliveries: WebhookDelivery[] } {
    const where = `WHERE subscription_id = @subscriptionId${q.status ? ' AND status = @status' : ''}`;
    const params = { subscriptionId, status: q.status ?? null };
    const { n } = this.db
      .prepare(`SELECT count(*) AS n FROM webhook_deliveries ${where}`)
      .get(params) as { n: number };
    const rows = this.db
      .prepare(
        `SELECT * FROM webhook_deliveries ${where} ORDER BY seq DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: q.limit, offset: q.offset }) as DeliveryRow[];
    return { total: n, deliveries: rows.map(toDelivery) };
  }

  /** Deletes finished deliveries created before `before` (ISO-8601); returns how many went. */
  prune(before: string): number {
    return this.stmt.prune.run(before).changes;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toSubscription(r: SubscriptionRow): WebhookSubscription {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    filter: JSON.parse(r.filter) as WebhookFilter,
    active: r.active === 1,
    fromSeq: r.from_seq,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    seq: r.seq,
    event: r.event,
    incidentId: r.incident_id,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status,
    lastError: r.last_error,
    nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    lastAttemptAt: r.last_attempt_at,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
  };
}
