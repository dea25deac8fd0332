import type { PackedDelta } from '../../shared/realtime/wire.js';

/**
 * The most recent flushed batches, oldest first, each exactly as it was broadcast (packed, a
 * delta's sequence number first): a client that
 * catches up is sent the same batches (whole, except where its gap starts), so one encoding of
 * each serves the live clients and every one catching up.
 */
export class DeltaRing {
  private readonly batches: PackedDelta[][] = [];
  private held = 0;

  /** Keeps at least the last `size` deltas. */
  constructor(private readonly size: number) {}

  /** The first sequence number still held, or `next` (the next to be flushed) when empty. */
  start(next: number): number {
    return this.batches[0]?.[0]?.[0] ?? next;
  }

  push(batch: PackedDelta[]): void {
    this.batches.push(batch);
    this.held += batch.length;
    while (this.held - this.batches[0]!.length >= this.size)
      this.held -= this.batches.shift()!.length;
  }

  /**
   * The deltas from `seq` on (at or after `start`), in the batches they were flushed in: `cut`,
   * the tail of the batch holding `seq` when `seq` does not open it, then the whole batches.
   */
  from(seq: number): { cut: PackedDelta[] | undefined; whole: PackedDelta[][] } {
    let lo = 0;
    let hi = this.batches.length;
    // The first batch whose last delta is at or after seq.
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.batches[mid]!.at(-1)![0] < seq) lo = mid + 1;
      else hi = mid;
    }
    const first = this.batches[lo];
    if (!first || first[0]![0] >= seq) return { cut: undefined, whole: this.batches.slice(lo) };
    return { cut: first.slice(seq - first[0]![0]), whole: this.batches.slice(lo + 1) };
  }
}

/**
 * A sub-centre's recent batches, each opening with its cover mark (wire.ts packCover) and
 * holding its area's deltas only. A client catching up gets every batch whose cover reaches
 * past its last sequence number, whole: its cursor skips what it already has.
 */
export class CoverRing {
  private readonly batches: { from: number; to: number; batch: PackedDelta[] }[] = [];
  private covered = 0;

  /** Keeps batches covering at least the last `size` sequence numbers. */
  constructor(private readonly size: number) {}

  /** The first sequence number still covered, or `next` when empty. */
  start(next: number): number {
    return this.batches[0]?.from ?? next;
  }

  push(from: number, to: number, batch: PackedDelta[]): void {
    this.batches.push({ from, to, batch });
    this.covered += to - from + 1;
    while (this.batches.length > 1) {
      const first = this.batches[0]!;
      if (this.covered - (first.to - first.from + 1) < this.size) break;
      this.covered -= first.to - first.from + 1;
      this.batches.shift();
    }
  }

  /** The batches covering `seq` and after, oldest first. */
  from(seq: number): PackedDelta[][] {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.batches[mid]!.to < seq) lo = mid + 1;
      else hi = mid;
    }
    return this.batches.slice(lo).map((b) => b.batch);
  }
}
