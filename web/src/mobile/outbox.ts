import type { FieldReport, IntakeOutcome } from '../../../shared/api/intake.js';
import { ApiError } from '../api/http.js';

/**
 * The phone's outbox (待发送): every report is written here first and leaves only once the
 * server has answered it. A report made without signal waits, with its photos as Blobs, and is
 * sent when the signal returns; every attempt carries the same `externalId`, so a retry after a
 * lost answer never makes a second incident.
 */

/** A photo waiting to go: its bytes, and its id once the server has them. */
export interface OutboxPhoto {
  blob: Blob;
  id?: string;
}

/** The report as written, without its photos (which go first, as ids). */
export type DraftReport = Omit<FieldReport, 'photos' | 'selfHandled'> & { externalId: string };

/** A refusal kept in storage: a class instance does not survive IndexedDB's structured clone. */
export interface StoredError {
  /** 0: the server was never reached. */
  status: number;
  code: string;
  message: string;
}

export type OutboxState = 'waiting' | 'sending' | 'failed';

export interface OutboxItem {
  /** The report's externalId: one key, one incident. */
  key: string;
  report: DraftReport;
  photos: OutboxPhoto[];
  selfHandled?: { comment: string; photos: OutboxPhoto[] };
  /** waiting: will be sent (again); sending: now; failed: refused for good, the worker decides. */
  state: OutboxState;
  attempts: number;
  /** When the next automatic attempt is due (ms since the epoch). */
  nextAt: number;
  lastError?: StoredError;
  createdAt: number;
}

/** Where the outbox keeps its items: IndexedDB on the phone, memory in tests. */
export interface OutboxStorage {
  all(): Promise<OutboxItem[]>;
  put(item: OutboxItem): Promise<void>;
  delete(key: string): Promise<void>;
}

/** What the outbox sends with: the API in the app, fakes in tests. */
export interface OutboxSender {
  /** Uploads one photo; the same bytes answer the same id, so a repeat is harmless. */
  upload(photo: Blob): Promise<string>;
  send(report: FieldReport): Promise<IntakeOutcome>;
}

export interface OutboxOptions {
  storage: OutboxStorage;
  sender: OutboxSender;
  now?: () => number;
  /** Arms the next automatic attempt; answers a function that disarms it. */
  schedule?: (run: () => void, ms: number) => () => void;
  /** 0..1, spreads retries of many phones after an outage; fixed in tests. */
  random?: () => number;
  /** Told after every change of the items, and of every report that arrived. */
  onChange?: (items: OutboxItem[]) => void;
  onDelivered?: (item: OutboxItem, outcome: IntakeOutcome) => void;
}

export const RETRY_BASE_MS = 5_000;
export const RETRY_MAX_MS = 5 * 60_000;

/**
 * Whether a failure is worth trying again. The network, the server's own trouble (5xx), an
 * expired login (401: the worker signs in again and it goes), a timeout (408) and throttling
 * (429) pass; any other 4xx says the report itself is refused, and repeating it will not help.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  if (err.status >= 500 || err.status === 0) return true;
  return err.status === 401 || err.status === 408 || err.status === 429;
}

/** The wait before attempt n+1 after n failures: doubling from 5 s up to 5 min, ±20 %. */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const plain = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(plain * (0.8 + 0.4 * random()));
}

export function storedError(err: unknown): StoredError {
  if (err instanceof ApiError) return { status: err.status, code: err.code, message: err.message };
  return { status: 0, code: 'network', message: err instanceof Error ? err.message : String(err) };
}

/** The stored refusal as the error the i18n error texts read (status 0: the network). */
export function revivedError(e: StoredError): unknown {
  return e.status === 0 ? new Error(e.message) : new ApiError(e.status, e);
}

export class Outbox {
  private readonly storage: OutboxStorage;
  private readonly sender: OutboxSender;
  private readonly now: () => number;
  private readonly schedule: (run: () => void, ms: number) => () => void;
  private readonly random: () => number;
  private readonly options: OutboxOptions;
  private items: OutboxItem[] = [];
  private loaded: Promise<void> | undefined;
  private running: Promise<void> | undefined;
  /** A flush asked for while one runs: run once more after it, rather than skipping it. */
  private again = false;
  private disarm: (() => void) | undefined;

  constructor(options: OutboxOptions) {
    this.options = options;
    this.storage = options.storage;
    this.sender = options.sender;
    this.now = options.now ?? Date.now;
    this.schedule =
      options.schedule ??
      ((run, ms) => {
        const t = setTimeout(run, ms);
        return () => clearTimeout(t);
      });
    this.random = options.random ?? Math.random;
  }

  /** The items, oldest first. */
  get list(): readonly OutboxItem[] {
    return this.items;
  }

  /**
   * Reads what storage holds. An item left `sending` was cut off (the app closed mid-send): it
   * goes again, with its key, so the server says `duplicate` if the first attempt did arrive.
   */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      const stored = await this.storage.all();
      this.items = stored
        .map((i) => (i.state === 'sending' ? { ...i, state: 'waiting' as const } : i))
        .sort((a, b) => a.createdAt - b.createdAt);
      this.changed();
    })();
    return this.loaded;
  }

  /** Keeps a newly written report; it goes with the next flush. */
  async add(
    report: DraftReport,
    photos: Blob[],
    selfHandled?: { comment: string; photos: Blob[] },
  ): Promise<OutboxItem> {
    await this.load();
    const item: OutboxItem = {
      key: report.externalId,
      report,
      photos: photos.map((blob) => ({ blob })),
      ...(selfHandled
        ? {
            selfHandled: {
              comment: selfHandled.comment,
              photos: selfHandled.photos.map((blob) => ({ blob })),
            },
          }
        : {}),
      state: 'waiting',
      attempts: 0,
      nextAt: this.now(),
      createdAt: this.now(),
    };
    // Stored before anything is sent: a phone that dies mid-upload still has the report.
    await this.storage.put(item);
    this.items = [...this.items, item];
    this.changed();
    return item;
  }

  /** The worker gives up on a report (a refused one, or one they no longer want sent). */
  async remove(key: string): Promise<void> {
    await this.load();
    const item = this.items.find((i) => i.key === key);
    if (!item || item.state === 'sending') return;
    await this.storage.delete(key);
    this.items = this.items.filter((i) => i.key !== key);
    this.changed();
  }

  /** Tries a failed (or waiting) report again now, as the worker asked. */
  async retry(key: string): Promise<void> {
    await this.load();
    const item = this.items.find((i) => i.key === key);
    if (!item || item.state === 'sending') return;
    await this.update({ ...item, state: 'waiting', nextAt: this.now() });
    await this.flush();
  }

  /**
   * Sends every waiting report whose time has come, oldest first; with `force` (the signal came
   * back, the app started) the waits are skipped. One flush runs at a time.
   */
  async flush(force = false): Promise<void> {
    await this.load();
    if (force) {
      for (const item of this.items)
        if (item.state === 'waiting' && item.nextAt > this.now())
          await this.update({ ...item, nextAt: this.now() });
    }
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.sendDue();
        } while (this.again);
      } finally {
        this.running = undefined;
        this.arm();
      }
    })();
    return this.running;
  }

  /** Stops the timer (the screen went away). */
  stop(): void {
    this.disarm?.();
    this.disarm = undefined;
  }

  private async sendDue(): Promise<void> {
    for (const { key } of [...this.items]) {
      const item = this.items.find((i) => i.key === key);
      if (!item || item.state !== 'waiting' || item.nextAt > this.now()) continue;
      const networkDown = !(await this.sendOne(item));
      // Without a network the rest would fail the same way: they wait for the next flush.
      if (networkDown) break;
    }
  }

  /** Answers false when the server could not be reached at all. */
  private async sendOne(start: OutboxItem): Promise<boolean> {
    let item = await this.update({ ...start, state: 'sending', attempts: start.attempts + 1 });
    try {
      // Photos first, each once: an id already known is not uploaded again.
      const photos = await this.uploadAll(item.photos, (photos) => ({ ...item, photos }));
      item = await this.update({ ...item, photos });
      let selfHandled: FieldReport['selfHandled'];
      if (item.selfHandled) {
        const own = item.selfHandled;
        const done = await this.uploadAll(own.photos, (p) => ({
          ...item,
          selfHandled: { ...own, photos: p },
        }));
        item = await this.update({ ...item, selfHandled: { ...own, photos: done } });
        selfHandled = { comment: own.comment, photos: done.map((p) => p.id!) };
      }
      const outcome = await this.sender.send({
        ...item.report,
        photos: photos.map((p) => p.id!),
        ...(selfHandled ? { selfHandled } : {}),
      });
      await this.storage.delete(item.key);
      this.items = this.items.filter((i) => i.key !== item.key);
      this.changed();
      this.options.onDelivered?.(item, outcome);
      return true;
    } catch (err) {
      const latest = this.items.find((i) => i.key === item.key) ?? item;
      const lastError = storedError(err);
      if (isRetryable(err)) {
        await this.update({
          ...latest,
          state: 'waiting',
          lastError,
          nextAt: this.now() + backoffMs(latest.attempts, this.random),
        });
      } else {
        await this.update({ ...latest, state: 'failed', lastError });
      }
      return lastError.status !== 0;
    }
  }

  /** Uploads the photos without an id, storing each id as it comes (a retry skips them). */
  private async uploadAll(
    photos: OutboxPhoto[],
    withPhotos: (p: OutboxPhoto[]) => OutboxItem,
  ): Promise<OutboxPhoto[]> {
    let done = photos;
    for (let i = 0; i < done.length; i++) {
      if (done[i]!.id) continue;
      const id = await this.sender.upload(done[i]!.blob);
      done = done.map((p, j) => (j === i ? { ...p, id } : p));
      await this.update(withPhotos(done));
    }
    return done;
  }

  private async update(item: OutboxItem): Promise<OutboxItem> {
    await this.storage.put(item);
    this.items = this.items.map((i) => (i.key === item.key ? item : i));
    this.changed();
    return item;
  }

  /** Arms the timer for the earliest waiting report. */
  private arm(): void {
    this.disarm?.();
    this.disarm = undefined;
    const waiting = this.items.filter((i) => i.state === 'waiting');
    if (!waiting.length) return;
    const next = Math.min(...waiting.map((i) => i.nextAt));
    this.disarm = this.schedule(
      () => {
        this.disarm = undefined;
        void this.flush().catch(() => undefined);
      },
      Math.max(0, next - this.now()),
    );
  }

  private changed(): void {
    this.options.onChange?.(this.items);
  }
}

/**
 * An outbox kept in memory: for tests, and where IndexedDB is not there (a private window).
 * Items are never changed in place (each change is a new object), so a shallow copy is a copy.
 */
export class MemoryStorage implements OutboxStorage {
  readonly map = new Map<string, OutboxItem>();
  async all(): Promise<OutboxItem[]> {
    return [...this.map.values()].map((i) => ({ ...i }));
  }
  async put(item: OutboxItem): Promise<void> {
    this.map.set(item.key, { ...item });
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
}
