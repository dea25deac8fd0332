import type { Delta } from './events.js';

/**
 * A client's place in the delta stream: applies each delta once and in order, skips repeats, and
 * says when a gap means it must resume (reconnect with its last sequence number).
 */
export class SequenceCursor {
  constructor(public lastSeq: number | undefined = undefined) {}

  /** Starts over from a snapshot. */
  reset(seq: number): void {
    this.lastSeq = seq;
  }

  /** The deltas to apply, in order; throws `SequenceGapError` if one is missing. */
  take(deltas: readonly Delta[]): Delta[] {
    const fresh: Delta[] = [];
    for (const d of deltas) {
      if (this.lastSeq !== undefined && d.seq <= this.lastSeq) continue;
      if (this.lastSeq !== undefined && d.seq !== this.lastSeq + 1) {
        throw new SequenceGapError(this.lastSeq, d.seq);
      }
      fresh.push(d);
      this.lastSeq = d.seq;
    }
    return fresh;
  }
}

export class SequenceGapError extends Error {
  constructor(
    readonly expected: number,
    readonly got: number,
  ) {
    super(`delta ${expected + 1} is missing (got ${got})`);
  }
}
