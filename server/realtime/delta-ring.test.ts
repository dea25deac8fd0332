import { describe, expect, it } from 'vitest';
import type { PackedDelta } from '../../shared/realtime/wire.js';
import { CoverRing, DeltaRing } from './delta-ring.js';

const deltas = (from: number, to: number): PackedDelta[] =>
  Array.from({ length: to - from + 1 }, (_, i) => [
    from + i,
    '2026-11-22T00:00:00.000Z',
    1,
    'cam-0001',
    'online',
  ]);
const seqs = (batches: PackedDelta[][]) => batches.flat().map((d) => d[0]);

describe('the delta ring', () => {
  it('hands a gap back in the batches it was flushed in, cutting only the first', () => {
    const ring = new DeltaRing(100);
    const batches = [deltas(1, 3), deltas(4, 4), deltas(5, 9)];
    for (const b of batches) ring.push(b);
    expect(ring.start(10)).toBe(1);

    const mid = ring.from(2);
    expect(mid.cut?.map((d) => d[0])).toEqual([2, 3]);
    expect(mid.whole[0]).toBe(batches[1]);
    expect(seqs(mid.whole)).toEqual([4, 5, 6, 7, 8, 9]);

    const edge = ring.from(4);
    expect(edge.cut).toBeUndefined();
    expect(edge.whole).toEqual([batches[1], batches[2]]);
    expect(ring.from(10)).toEqual({ cut: undefined, whole: [] });
  });

  it('keeps at least its size, dropping whole batches from the front', () => {
    const ring = new DeltaRing(5);
    ring.push(deltas(1, 3));
    ring.push(deltas(4, 6));
    expect(ring.start(7)).toBe(1);
    ring.push(deltas(7, 8));
    expect(ring.start(9)).toBe(4);
    expect(new DeltaRing(5).start(42)).toBe(42);
  });
});

describe("a sub-centre's ring of covered batches", () => {
  const mark = (from: number, to: number) => [[from, 'at', 2, to]] as never;
  it('hands back every batch covering a sequence number and after, whole', () => {
    const ring = new CoverRing(100);
    const a = mark(1, 10);
    const b = mark(11, 25);
    const c = mark(26, 30);
    ring.push(1, 10, a);
    ring.push(11, 25, b);
    ring.push(26, 30, c);
    expect(ring.start(31)).toBe(1);
    expect(ring.from(1)).toEqual([a, b, c]);
    expect(ring.from(12)).toEqual([b, c]);
    expect(ring.from(26)).toEqual([c]);
    expect(ring.from(31)).toEqual([]);
  });

  it('keeps batches covering at least its size of sequence numbers', () => {
    const ring = new CoverRing(20);
    ring.push(1, 10, mark(1, 10));
    ring.push(11, 25, mark(11, 25));
    expect(ring.start(26)).toBe(1);
    ring.push(26, 30, mark(26, 30));
    expect(ring.start(31)).toBe(11);
    expect(new CoverRing(5).start(42)).toBe(42);
  });
});
