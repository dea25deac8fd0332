import { randomUUID } from 'node:crypto';
import type { Delta, Incident, IncidentSummary } from '../../shared/index.js';
import type { Store } from '../store/store.js';
import type { NewDelivery, WebhookDb } from './db.js';
import type { SigningSubscription } from './types.js';
import { entryFor, eventOf, matchesChange, matchesSummary, payloadOf } from './match.js';

type IncidentDelta = Extract<Delta, { type: 'incident' }>;

/** Deltas read from the log per transaction: a restart after a long outage catches up in steps. */
const BATCH = 500;
/** How soon a cursor moved past changes nobody wanted is written down. */
const SAVE_MS = 5_000;
/** After a failed batch, the next try. */
const RETRY_MS = 1_000;

export interface PumpDeps {
  db: WebhookDb;
  store: Pick<Store, 'deltasSince' | 'getIncident' | 'lastSeq'>;
  /** The last sequence every in-memory view has seen: never read past it, so never past a gap. */
  published: () => number;
  now: () => number;
  /** Told after deliveries were written, so the sender looks for due work. */
  onDeliveries: () => void;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/**
 * Turns the event log into deliveries. Driven by the bus and at start, but reading the log
 * itself from a persisted cursor: a change published while the server was down, or while a
 * batch was being matched, is read from the log all the same, and never matched twice.
 */
export class DeliveryPump {
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  /** How far the log was matched; the table's cursor may lag it (see `batch`). */
  private cursor: number;
  private saver: NodeJS.Timeout | undefined;
  /** The active subscriptions, read again after any change to them. */
  private subscriptions: SigningSubscription[] | undefined;

  constructor(private readonly deps: PumpDeps) {
    this.cursor = deps.db.cursor();
  }

  /** Subscriptions were created, changed or deleted: the next batch reads them again. */
  subscriptionsChanged(): void {
    this.subscriptions = undefined;
  }

  /** Matches everything new in the log; concurrent calls fold into one more pass. */
  kick(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while (!this.closed && (await this.batch()));
        } while (this.again && !this.closed);
      } catch (err) {
        // Nothing was half-written: try again from the same cursor in a moment (a subscription
        // deleted mid-batch is the likely cause, so read them again).
        this.deps.log.error({ err }, 'webhooks: matching the event log failed');
        this.subscriptions = undefined;
        if (!this.closed) setTimeout(() => void this.kick(), RETRY_MS).unref();
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.running;
    this.save();
  }

  /**
   * One batch: read, match, write the deliveries with the cursor. Returns whether there may be
   * more. A batch that matched nothing moves the cursor in memory only, saved within seconds or
   * at close: with no subscriber interested, re-reading those changes after a crash loses
   * nothing, and a busy intake pays no extra fsync per commit.
   */
  private async batch(): Promise<boolean> {
    const { db, store } = this.deps;
    const from = this.cursor;
    const until = this.deps.published();
    if (from >= until) return false;
    this.subscriptions ??= db.activeSubscriptions();
    if (!this.subscriptions.length) {
      this.moveTo(until);
      return false;
    }
    const read = await store.deltasSince(from, BATCH);
    if (read === null) {
      // Only if the log were truncated under us: say what is skipped rather than stall forever.
      const last = store.lastSeq();
      this.deps.log.warn(
        { from, to: last },
        'webhooks: the event log no longer reaches back to the cursor; skipping',
      );
      this.moveTo(last);
      return true;
    }
    const deltas = read.filter((d) => d.seq <= until);
    if (!deltas.length) return false;
    const deliveries = await this.match(this.subscriptions, deltas);
    const to = deltas.at(-1)!.seq;
    if (deliveries.length) {
      db.advance(to, deliveries, this.deps.now());
      this.cursor = to;
      this.deps.onDeliveries();
    } else this.moveTo(to);
    return to < until;
  }

  private moveTo(seq: number): void {
    this.cursor = seq;
    this.saver ??= setTimeout(() => this.save(), SAVE_MS);
  }

  private save(): void {
    clearTimeout(this.saver);
    this.saver = undefined;
    try {
      this.deps.db.saveCursor(this.cursor);
    } catch (err) {
      this.deps.log.error({ err }, 'webhooks: saving the cursor failed');
    }
  }

  private async match(
    subscriptions: readonly SigningSubscription[],
    deltas: readonly Delta[],
  ): Promise<NewDelivery[]> {
    const wanted: { delta: IncidentDelta; subs: typeof subscriptions }[] = [];
    for (const delta of deltas) {
      if (delta.type !== 'incident') continue;
      const subs = subscriptions.filter(
        (s) => delta.seq > s.fromSeq && matchesSummary(s.filter, delta.incident),
      );
      if (subs.length) wanted.push({ delta, subs });
    }
    // Each incident read once per batch, however many of its changes the batch holds.
    const ids = [...new Set(wanted.map((w) => w.delta.incident.id))];
    const incidents = new Map<string, Incident | undefined>(
      await Promise.all(
        ids.map(async (id) => [id, await this.deps.store.getIncident(id)] as const),
      ),
    );
    const out: NewDelivery[] = [];
    for (const { delta, subs } of wanted) {
      const summary: IncidentSummary = delta.incident;
      const entry = entryFor(delta, incidents.get(summary.id));
      const event = eventOf(summary);
      for (const s of subs) {
        if (!matchesChange(s.filter, summary, event, entry)) continue;
        const id = randomUUID();
        out.push({
          id,
          subscriptionId: s.id,
          seq: delta.seq,
          incidentId: summary.id,
          event,
          body: JSON.stringify(payloadOf(id, delta, event, entry)),
        });
      }
    }
    return out;
  }
}
