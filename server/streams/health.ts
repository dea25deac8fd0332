import type { CameraStatus } from '../../shared/index.js';
import { moduleLog } from '../log.js';

const log = moduleLog('streams');

/** What one look at a camera's upstream showed. */
export type Probe =
  { ok: true; nextMsn?: number; targetDuration?: number; endList?: boolean } | { ok: false };

export interface HealthOptions {
  /** Every camera is probed about once per interval. */
  intervalMs: number;
  /** Probes in flight at once, across all cameras. */
  concurrency: number;
}

/** One failure may be a blip; a second, a second later, is not. */
const FAILURES_FOR_OFFLINE = 2;
const RETRY_MS = 1_000;
/** A live playlist that has not advanced for this many target durations is stale. */
const STALE_TARGET_DURATIONS = 3;

interface Watch {
  status: CameraStatus;
  failures: number;
  /** Sequence number after the last segment, as last seen, and when it last rose. */
  nextMsn?: number;
  advancedAt: number;
}

/**
 * Watches every camera's upstream at a bounded cost: probes go out round robin, evenly spread over
 * the interval, never more than `concurrency` at once, so 648 cameras cost 65 small requests a
 * second. A playlist whose media sequence stops rising is stale, failures mean offline; each
 * change is reported once.
 */
export class HealthWatcher {
  private readonly watches = new Map<string, Watch>();
  private readonly ids: string[];
  private readonly retries: { id: string; at: number }[] = [];
  private next = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(
    cameras: readonly { id: string; status: CameraStatus }[],
    private readonly probe: (cameraId: string) => Promise<Probe>,
    private readonly report: (cameraId: string, status: CameraStatus) => Promise<void>,
    private readonly options: HealthOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.ids = cameras.map((c) => c.id);
    for (const c of cameras) {
      this.watches.set(c.id, { status: c.status, failures: 0, advancedAt: now() });
    }
  }

  start(): void {
    if (this.ids.length === 0) return;
    const tick = Math.max(5, this.options.intervalMs / this.ids.length);
    this.timer = setInterval(() => this.tick(), tick);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.running);
  }

  status(cameraId: string): CameraStatus | undefined {
    return this.watches.get(cameraId)?.status;
  }

  counts(): Record<CameraStatus, number> {
    const counts = { online: 0, stale: 0, offline: 0 };
    for (const w of this.watches.values()) counts[w.status]++;
    return counts;
  }

  private tick(): void {
    if (this.inFlight >= this.options.concurrency) return;
    const due = this.retries[0];
    let id: string;
    if (due && due.at <= this.now()) {
      this.retries.shift();
      id = due.id;
    } else {
      id = this.ids[this.next]!;
      this.next = (this.next + 1) % this.ids.length;
    }
    const run = this.check(id).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async check(id: string): Promise<void> {
    this.inFlight++;
    let result: Probe;
    try {
      result = await this.probe(id);
    } catch {
      result = { ok: false };
    } finally {
      this.inFlight--;
    }
    const watch = this.watches.get(id)!;
    const status = this.judge(id, watch, result);
    if (status === watch.status || this.timer === undefined) return;
    try {
      await this.report(id, status);
      watch.status = status;
    } catch (err) {
      // Left as it was, so the next probe reports the change again.
      log.error({ err }, `reporting camera ${id} ${status} failed`);
    }
  }

  private judge(id: string, watch: Watch, probe: Probe): CameraStatus {
    const now = this.now();
    if (!probe.ok) {
      watch.failures++;
      watch.nextMsn = undefined;
      if (watch.failures >= FAILURES_FOR_OFFLINE) return 'offline';
      this.retries.push({ id, at: now + RETRY_MS });
      return watch.status;
    }
    watch.failures = 0;
    if (probe.endList) return 'stale';
    if (probe.nextMsn === undefined) return 'online';
    const first = watch.nextMsn === undefined;
    // A lower number than before is an upstream that restarted, which is movement too.
    if (first || probe.nextMsn !== watch.nextMsn) {
      watch.nextMsn = probe.nextMsn;
      watch.advancedAt = now;
      // A camera known stale must show that it moves again before it counts as online.
      return first && watch.status === 'stale' ? 'stale' : 'online';
    }
    const staleAfter = STALE_TARGET_DURATIONS * (probe.targetDuration ?? 2) * 1000;
    return now - watch.advancedAt > staleAfter ? 'stale' : watch.status;
  }
}
