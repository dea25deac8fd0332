import {
  inScope,
  packCover,
  type Delta,
  type PackedDelta,
  type PackedSnapshot,
  type Scope,
  warningInScope,
} from '../../shared/index.js';
import type { Scopes } from '../levels/scopes.js';
import type { KpiTracker } from '../live/kpis.js';
import { CoverRing } from './delta-ring.js';

/**
 * One sub-centre's live stream: the deltas of its own area, in their own room, each batch with
 * the cover mark that tells its screens the holes in the sequence are not losses; its own ring
 * for screens catching up, its own figures and its own shared snapshot. A delta is cut for a
 * stream once and sent once to all of its screens, as the city's is.
 */
export class ScopedStream {
  readonly room: string;
  readonly ring: CoverRing;
  /** The last sequence number a batch of this stream covered. */
  lastCovered: number;
  reusable: PackedSnapshot | undefined;

  constructor(
    readonly scope: Scope,
    readonly kpis: KpiTracker,
    private readonly scopes: Scopes,
    flushed: number,
    ringSize: number,
  ) {
    this.room = `live:${scope.regionId}`;
    this.ring = new CoverRing(ringSize);
    this.lastCovered = flushed;
  }

  /** Whether a delta concerns this area. */
  concerns(delta: Delta): boolean {
    if (delta.type === 'incident') return inScope(this.scope, delta.incident);
    if (delta.type === 'camera') return this.scopes.cameraIn(this.scope, delta.cameraId);
    return warningInScope(this.scope, delta.warning);
  }

  /**
   * The area's part of a flushed batch (`packed` is the city's packing of `batch`, whose entries
   * are reused), opened by its cover mark; undefined when nothing in it concerns the area; the
   * next batch then covers these numbers too.
   */
  cut(batch: readonly Delta[], packed: readonly PackedDelta[]): PackedDelta[] | undefined {
    const kept: PackedDelta[] = [];
    for (let i = 0; i < batch.length; i++) if (this.concerns(batch[i]!)) kept.push(packed[i]!);
    if (!kept.length) return undefined;
    const last = batch.at(-1)!;
    const from = this.lastCovered + 1;
    const out = [packCover(from, last.seq, last.at), ...kept];
    this.ring.push(from, last.seq, out);
    this.lastCovered = last.seq;
    return out;
  }

  /** Deltas read back from the log for a screen that was away, with their cover. */
  catchUp(stored: readonly Delta[], packed: readonly PackedDelta[], from: number): PackedDelta[] {
    const kept = packed.filter((_, i) => this.concerns(stored[i]!));
    const last = stored.at(-1)!;
    return [packCover(from, last.seq, last.at), ...kept];
  }
}
