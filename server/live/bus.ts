import type { Delta } from '../../shared/index.js';

type Listener = (deltas: readonly Delta[]) => void;

/**
 * Hands committed deltas to the in-memory views (board, KPIs, clock, sockets) in sequence order,
 * even if commits finish out of order, so every view sees the same history as the log.
 */
export class DeltaBus {
  private readonly listeners: Listener[] = [];
  private readonly early = new Map<number, Delta>();

  constructor(private published: number) {}

  get lastPublished(): number {
    return this.published;
  }

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  publish(deltas: readonly Delta[]): void {
    for (const d of deltas) this.early.set(d.seq, d);
    const ready: Delta[] = [];
    for (
      let next = this.early.get(this.published + 1);
      next;
      next = this.early.get(this.published + 1)
    ) {
      this.early.delete(next.seq);
      ready.push(next);
      this.published = next.seq;
    }
    if (ready.length) for (const listener of this.listeners) listener(ready);
  }
}

/** Runs async writers one at a time: the single-writer rule that keeps checks and writes together. */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
