/**
 * A fixed-resolution latency histogram (0.1 ms buckets up to 60 s, one overflow bucket), cheap
 * to record into from hundreds of clients and to merge across processes.
 */
const RESOLUTION_MS = 0.1;
const BUCKETS = 600_000;

export interface HistogramData {
  counts: number[];
  /** Bucket indexes of `counts` (sparse form, so it travels over IPC cheaply). */
  index: number[];
  count: number;
  sum: number;
  min: number;
  max: number;
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS + 1);
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  record(ms: number): void {
    // Clocks of different processes can disagree by a hair: a negative latency counts as 0.
    const v = ms < 0 ? 0 : ms;
    const i = Math.min(BUCKETS, Math.floor(v / RESOLUTION_MS));
    this.counts[i]! += 1;
    this.count += 1;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  toData(): HistogramData {
    const counts: number[] = [];
    const index: number[] = [];
    for (let i = 0; i < this.counts.length; i++) {
      if (this.counts[i]) {
        index.push(i);
        counts.push(this.counts[i]!);
      }
    }
    return { counts, index, count: this.count, sum: this.sum, min: this.min, max: this.max };
  }

  merge(data: HistogramData): void {
    data.index.forEach((i, k) => (this.counts[i]! += data.counts[k]!));
    this.count += data.count;
    this.sum += data.sum;
    if (data.count) {
      this.min = Math.min(this.min, data.min);
      this.max = Math.max(this.max, data.max);
    }
  }

  /** The value at quantile q (0-1), as the upper edge of its bucket; NaN when empty. */
  quantile(q: number): number {
    if (!this.count) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min((i + 1) * RESOLUTION_MS, this.max);
    }
    return this.max;
  }

  mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }
}
