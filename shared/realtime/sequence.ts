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

  /**
   * The deltas to apply, in order; throws `SequenceGapError` if one is missing. A batch with a
   * `cover` (a sub-centre's, wire.ts coverOf) stands for every delta from `cover.from` to
   * `cover.to`: those not in it lie outside the screen's area, and are not missing.
   */
  take(deltas: readonly Delta[], cover?: { from: number; to: number }): Delta[] {
    if (cover && this.lastSeq !== undefined && cover.from > this.lastSeq + 1)
      throw new SequenceGapError(this.lastSeq, cover.from);
    const fresh: Delta[] = [];
    for (const d of deltas) {
      if (this.lastSeq !== undefined && d.seq <= this.lastSeq) continue;
      const covered = cover !== undefined && d.seq <= cover.to;
      if (this.lastSeq !== undefined && d.seq !== this.lastSeq + 1 && !covered) {
        throw new SequenceGapError(this.lastSeq, d.seq);
      }
      fresh.push(d);
      this.lastSeq = d.seq;
    }
    if (cover && (this.lastSeq === undefined || cover.to > this.lastSeq)) this.lastSeq = cover.to;
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
