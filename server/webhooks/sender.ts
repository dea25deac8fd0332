import type { DueDelivery, WebhookDb } from './db.js';
import { sign } from './signature.js';
import { loggableUrl } from './url.js';

export interface SenderDeps {
  db: WebhookDb;
  retrySchedule: readonly number[];
  timeoutMs: number;
  concurrency: number;
  now: () => number;
  /** Counts outcomes for /metrics: delivered, retried, failed. */
  count: (outcome: 'delivered' | 'retried' | 'failed') => void;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

/** An idle sender still looks now and then: cheap, and a missed wake-up costs a minute at most. */
const IDLE_CHECK_MS = 60_000;
/** What of a receiver's error text is kept in the log. */
const MAX_ERROR = 200;

/**
 * POSTs due deliveries, a few at a time, and books each outcome: 2xx is delivered; anything
 * else, a timeout or no connection waits its turn in the retry schedule, then is failed. The
 * state lives in the table, so a restart resumes where it stopped.
 */
export class DeliverySender {
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private closed = false;
  private readonly aborter = new AbortController();

  constructor(private readonly deps: SenderDeps) {}

  /** Looks for due deliveries now. */
  kick(): void {
    this.wake(0);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    // A POST cut short stays pending and goes again after the restart: same id, same body.
    this.aborter.abort();
    await Promise.allSettled(this.inFlight.values());
  }

  private wake(inMs: number): void {
    if (this.closed) return;
    const at = this.deps.now() + Math.max(0, inMs);
    if (this.timer && at >= this.wakeAt) return;
    clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.wakeAt = Infinity;
        this.tick();
      },
      Math.max(0, inMs),
    );
    this.timer.unref();
  }

  private tick(): void {
    if (this.closed) return;
    const { db, concurrency } = this.deps;
    const free = concurrency - this.inFlight.size;
    if (free > 0) {
      // Those in flight are still pending and due: ask for enough to skip them.
      for (const d of db.due(this.deps.now(), free + this.inFlight.size)) {
        if (this.inFlight.size >= concurrency) break;
        if (this.inFlight.has(d.id)) continue;
        const run = this.send(d).finally(() => {
          this.inFlight.delete(d.id);
          this.kick();
        });
        this.inFlight.set(d.id, run);
      }
    }
    // Anything due and left behind waits for a POST in flight, whose end kicks; the timer is
    // for the next retry coming due.
    const now = this.deps.now();
    const next = db.nextDueAfter(now);
    this.wake(Math.min(IDLE_CHECK_MS, next === undefined ? IDLE_CHECK_MS : next - now));
  }

  private async send(d: DueDelivery): Promise<void> {
    const { db } = this.deps;
    const sub = db.subscription(d.subscriptionId);
    if (!sub?.active) return;
    const timestamp = String(Math.floor(this.deps.now() / 1000));
    let status: number | null = null;
    let error: string;
    try {
      const res = await fetch(sub.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'CityBrain-Webhooks/1',
          'x-citybrain-delivery': d.id,
          'x-citybrain-event': d.event,
          'x-citybrain-timestamp': timestamp,
          'x-citybrain-signature': sign(sub.secret, timestamp, d.body),
        },
        body: d.body,
        // A redirect is the receiver's answer, not an address to send the payload on to.
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.deps.timeoutMs), this.aborter.signal]),
      });
      status = res.status;
      const text = res.ok ? '' : await readSome(res);
      await res.body?.cancel().catch(() => undefined);
      if (res.ok) {
        db.markDelivered(d.id, status, this.deps.now());
        this.deps.count('delivered');
        return;
      }
      error =
        status >= 300 && status < 400
          ? `redirect (${status}) not followed`
          : `HTTP ${status}${text ? `: ${text}` : ''}`;
    } catch (err) {
      if (this.closed) return;
      error = describe(err, this.deps.timeoutMs);
    }
    this.failed(d, sub.url, status, error);
  }

  private failed(d: DueDelivery, url: string, status: number | null, error: string): void {
    const { db, retrySchedule } = this.deps;
    const now = this.deps.now();
    const delay = retrySchedule[d.attempts];
    const where = { delivery: d.id, url: loggableUrl(url), attempt: d.attempts + 1, error };
    if (delay === undefined) {
      db.markFailed(d.id, status, error, now);
      this.deps.count('failed');
      this.deps.log.warn(where, 'webhooks: delivery failed for good');
      return;
    }
    // ±20 % jitter: receivers coming back from an outage are not hit by everyone at once.
    const next = now + Math.round(delay * (0.8 + Math.random() * 0.4));
    db.markRetry(d.id, status, error, now, next);
    this.deps.count('retried');
    this.deps.log.info(where, 'webhooks: delivery failed; will retry');
  }
}

async function readSome(res: Response): Promise<string> {
  try {
    const reader = res.body?.getReader();
    if (!reader) return '';
    const { value } = await reader.read();
    await reader.cancel();
    return new TextDecoder()
      .decode(value ?? new Uint8Array())
      .slice(0, MAX_ERROR)
      .trim();
  } catch {
    return '';
  }
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  // fetch says "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, a TLS error).
  const cause = e.cause?.code ?? e.cause?.message ?? e.message ?? 'request failed';
  return `connection failed: ${cause}`.slice(0, MAX_ERROR);
}
