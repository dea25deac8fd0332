/** Something the cache holds, sized in bytes. */
export interface Sized {
  bytes: number;
}

/** Where an answer came from: memory, another request's upstream fetch, or our own. */
export type Source = 'hit' | 'shared' | 'miss';

/**
 * A least-recently-used map bounded by the total bytes of its values. An entry larger than a
 * quarter of the budget is not kept, so that one huge file cannot flush every camera's segments.
 */
export class ByteLru<V extends Sized> {
  private readonly entries = new Map<string, V>();
  private total = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Map iteration order is insertion order: re-inserting makes this the most recent.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    if (value.bytes > this.maxBytes / 4) return;
    this.entries.set(key, value);
    this.total += value.bytes;
    for (const [oldest, old] of this.entries) {
      if (this.total <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.total -= old.bytes;
    }
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    this.total -= old.bytes;
  }
}

/** Concurrent callers asking for the same key share one load; failures are not remembered. */
export class SingleFlight<V> {
  private readonly pending = new Map<string, Promise<V>>();

  get inFlight(): number {
    return this.pending.size;
  }

  run(key: string, load: () => Promise<V>): { value: Promise<V>; shared: boolean } {
    const existing = this.pending.get(key);
    if (existing) return { value: existing, shared: true };
    const value = load().finally(() => this.pending.delete(key));
    this.pending.set(key, value);
    return { value, shared: false };
  }
}

/** Segments: memory first, then one upstream fetch however many viewers want the segment. */
export class SegmentCache<V extends Sized> {
  private readonly lru: ByteLru<V>;
  private readonly flights = new SingleFlight<V>();

  constructor(maxBytes: number) {
    this.lru = new ByteLru(maxBytes);
  }

  get bytes(): number {
    return this.lru.bytes;
  }

  cached(key: string): V | undefined {
    return this.lru.get(key);
  }

  async get(key: string, load: () => Promise<V>): Promise<{ value: V; source: Source }> {
    const cached = this.lru.get(key);
    if (cached) return { value: cached, source: 'hit' };
    const { value, shared } = this.flights.run(key, async () => {
      const loaded = await load();
      this.lru.set(key, loaded);
      return loaded;
    });
    return { value: await value, source: shared ? 'shared' : 'miss' };
  }
}
