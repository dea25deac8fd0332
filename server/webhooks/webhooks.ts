import { randomUUID } from 'node:crypto';
import { HttpError } from '../http-error.js';
import type { Clock } from '../live/clock.js';
import { moduleLog } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import { WebhookDb } from './db.js';
import { DeliveryPump } from './pump.js';
import { DeliverySender } from './sender.js';
import { newSecret } from './signature.js';
import { urlProblem } from './url.js';
import {
  DEFAULT_RETRY_SCHEDULE_MS,
  type DeliveryStatus,
  type WebhookDelivery,
  type WebhookFilter,
  type WebhookOptions,
  type WebhookSubscription,
} from './types.js';

const log = moduleLog('webhooks');
const DAY_MS = 86_400_000;

export interface WebhooksDeps {
  /** The store's SQLite file (migrated by the store before this opens it). */
  databaseFile: string;
  synchronous: 'full' | 'normal';
  store: Pick<Store, 'deltasSince' | 'getIncident' | 'lastSeq'>;
  /** The bus's last published sequence. */
  published: () => number;
  metrics: Pick<Metrics, 'count'>;
  clock: Clock;
  options?: WebhookOptions;
}

export interface SubscriptionInput {
  name: string;
  url: string;
  filter: WebhookFilter;
  active: boolean;
}

/**
 * Outbound webhooks (订阅推送): subscriptions, the pump from the event log to deliveries, and
 * the sender. `onDeltas` is only a nudge; what is delivered is read from the log.
 */
export class Webhooks {
  private readonly db: WebhookDb;
  private readonly pump: DeliveryPump;
  private readonly sender: DeliverySender;
  private readonly retentionDays: number;
  private pruner: NodeJS.Timeout | undefined;

  constructor(private readonly deps: WebhooksDeps) {
    const options = deps.options ?? {};
    const now = () => deps.clock().getTime();
    this.retentionDays = options.retentionDays ?? 30;
    this.db = new WebhookDb(deps.databaseFile, deps.synchronous);
    this.sender = new DeliverySender({
      db: this.db,
      retrySchedule: options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE_MS,
      timeoutMs: options.timeoutMs ?? 10_000,
      concurrency: options.concurrency ?? 4,
      now,
      count: (outcome) =>
        deps.metrics.count(
          'citybrain_webhook_deliveries_total',
          'webhook POSTs by outcome: delivered, retried (failed, to be tried again), failed (gave up)',
          1,
          { outcome },
        ),
      log,
    });
    this.pump = new DeliveryPump({
      db: this.db,
      store: deps.store,
      published: deps.published,
      now,
      onDeliveries: () => this.sender.kick(),
      log,
    });
  }

  /** Matches what the log holds past the cursor, resumes pending deliveries, prunes daily. */
  async start(): Promise<void> {
    this.prune();
    this.pruner = setInterval(() => this.prune(), DAY_MS);
    this.pruner.unref();
    await this.pump.kick();
    this.sender.kick();
  }

  /** For the bus: something was committed. */
  onDeltas(): void {
    void this.pump.kick();
  }

  async close(): Promise<void> {
    clearInterval(this.pruner);
    await this.pump.close();
    await this.sender.close();
    this.db.close();
  }

  list(): WebhookSubscription[] {
    return this.db.subscriptions();
  }

  get(id: string): WebhookSubscription {
    const { secret: _secret, ...sub } = this.found(id);
    return sub;
  }

  /** Creates a subscription; the answer is the one time its secret is shown. */
  create(input: SubscriptionInput): WebhookSubscription & { secret: string } {
    checkUrl(input.url);
    const at = this.deps.clock().toISOString();
    const sub = {
      id: `wh_${randomUUID()}`,
      name: input.name,
      url: input.url,
      filter: input.filter,
      active: input.active,
      // From now on: what the log already holds was never promised to it.
      fromSeq: this.deps.store.lastSeq(),
      createdAt: at,
      updatedAt: at,
      secret: newSecret(),
    };
    this.db.insertSubscription(sub);
    this.pump.subscriptionsChanged();
    log.info({ webhook: sub.id, name: sub.name }, 'webhooks: subscription created');
    return sub;
  }

  update(id: string, patch: Partial<SubscriptionInput>): WebhookSubscription {
    if (patch.url !== undefined) checkUrl(patch.url);
    const { secret: _secret, ...current } = this.found(id);
    const next = { ...current, ...patch, updatedAt: this.deps.clock().toISOString() };
    this.db.updateSubscription(next);
    this.pump.subscriptionsChanged();
    // Switched back on: its waiting deliveries may go now.
    if (patch.active) this.sender.kick();
    return next;
  }

  /** A new secret, shown once; deliveries from now on (retries included) are signed with it. */
  rotateSecret(id: string): { id: string; secret: string } {
    this.found(id);
    const secret = newSecret();
    this.db.setSecret(id, secret, this.deps.clock().toISOString());
    this.pump.subscriptionsChanged();
    log.info({ webhook: id }, 'webhooks: secret rotated');
    return { id, secret };
  }

  remove(id: string): void {
    if (!this.db.deleteSubscription(id)) throw notFound(id);
    this.pump.subscriptionsChanged();
    log.info({ webhook: id }, 'webhooks: subscription deleted');
  }

  deliveries(
    id: string,
    q: { status?: DeliveryStatus | undefined; limit: number; offset: number },
  ): { total: number; deliveries: WebhookDelivery[] } {
    this.found(id);
    return this.db.deliveries(id, q);
  }

  /** Sends a delivery again, same id and body, from the start of the retry schedule. */
  redeliver(id: string, deliveryId: string): WebhookDelivery {
    this.found(id);
    if (!this.db.redeliver(id, deliveryId, this.deps.clock().getTime()))
      throw new HttpError(404, `no delivery ${deliveryId} for webhook ${id}`, {
        code: 'webhook_delivery_not_found',
      });
    this.sender.kick();
    return this.db.delivery(id, deliveryId)!;
  }

  /** Pending work and the cursor, for tests and diagnostics. */
  get cursor(): number {
    return this.db.cursor();
  }

  private found(id: string) {
    const sub = this.db.subscription(id);
    if (!sub) throw notFound(id);
    return sub;
  }

  private prune(): void {
    try {
      const before = new Date(this.deps.clock().getTime() - this.retentionDays * DAY_MS);
      const n = this.db.prune(before.toISOString());
      if (n) log.info({ pruned: n }, 'webhooks: old deliveries pruned');
    } catch (err) {
      log.error({ err }, 'webhooks: pruning old deliveries failed');
    }
  }
}

function notFound(id: string): HttpError {
  return new HttpError(404, `no webhook ${id}`, { code: 'webhook_not_found' });
}

function checkUrl(url: string): void {
  const problem = urlProblem(url);
  if (problem)
    throw new HttpError(400, `url: ${problem}`, {
      code: 'webhook_url_invalid',
      fields: [{ path: 'url', message: problem }],
    });
}
