import HLS from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { LoopTimeline, renderLivePlaylist } from './live-playlist.js';

beforeAll(() => HLS.setOptions({ strictMode: true, silent: true }));

/** A 5-segment clip of 2 s, 10 s a loop. */
const clip = new LoopTimeline([2, 2, 2, 2, 2], 0);
const at = (seconds: number) => seconds * 1000;
const render = (timeline: LoopTimeline, nowMs: number) =>
  HLS.parse(renderLivePlaylist(timeline.window(nowMs, 3), (s) => `${s.msn}.ts`)) as MediaPlaylist;

describe('the live sliding window over a looping clip', () => {
  it('lists the last complete segments, the media sequence rising with the clock', () => {
    const w = clip.window(at(1_000_007), 3);
    // At 1,000,007 s the segment in progress is number 500,003 (2 s each since the epoch).
    expect(clip.current(at(1_000_007))).toBe(500_003);
    expect(w.mediaSequence).toBe(500_000);
    expect(w.segments.map((s) => s.msn)).toEqual([500_000, 500_001, 500_002]);
    expect(w.segments.map((s) => s.clipIndex)).toEqual([0, 1, 2]);
    expect(w.segments.every((s) => s.startsAt + s.duration * 1000 <= at(1_000_007))).toBe(true);
    expect(clip.window(at(1_000_009), 3).mediaSequence).toBe(500_001);
    expect(clip.window(at(1_000_007.999), 3).mediaSequence).toBe(500_000);
  });

  it('tags the loop restart as a discontinuity and counts the tags that slid out', () => {
    const seqs: [number, number, boolean[]][] = [];
    for (let t = 1_000_000; t <= 1_000_024; t += 2) {
      const p = render(clip, at(t + 0.5));
      seqs.push([
        p.mediaSequenceBase!,
        p.discontinuitySequenceBase!,
        p.segments.map((s) => Boolean(s.discontinuity)),
      ]);
    }
    // Restarts are the segments of clip index 0 (500,000, 500,005, 500,010): tagged while listed;
    // as each slides out, the discontinuity sequence rises by one.
    expect(seqs).toEqual([
      [499_997, 99_999, [false, false, false]],
      [499_998, 99_999, [false, false, true]],
      [499_999, 99_999, [false, true, false]],
      [500_000, 99_999, [true, false, false]],
      [500_001, 100_000, [false, false, false]],
      [500_002, 100_000, [false, false, false]],
      [500_003, 100_000, [false, false, true]],
      [500_004, 100_000, [false, true, false]],
      [500_005, 100_000, [true, false, false]],
      [500_006, 100_001, [false, false, false]],
      [500_007, 100_001, [false, false, false]],
      [500_008, 100_001, [false, false, true]],
      [500_009, 100_001, [false, true, false]],
    ]);
  });

  it('keeps each segment at the same place in every playlist that lists it', () => {
    const a = clip.window(at(1_000_007), 3).segments;
    const b = clip.window(at(1_000_011), 3).segments;
    const common = b.filter((s) => a.some((x) => x.msn === s.msn));
    expect(common.length).toBeGreaterThan(0);
    for (const s of common) expect(a.find((x) => x.msn === s.msn)).toEqual(s);
    // Program date-times advance by the segment durations.
    expect(b[1]!.startsAt - b[0]!.startsAt).toBe(2000);
  });

  it('shifts cameras on the same clip apart by their offsets, and handles uneven durations', () => {
    const shifted = new LoopTimeline([2, 2, 2, 2, 2], 3);
    expect(shifted.current(at(1_000_007))).toBe(500_005);
    const uneven = new LoopTimeline([2, 1.5, 2.5], 0);
    // One loop is 6 s: at 13 s we are 1 s into loop 2, in its first segment.
    expect(uneven.current(at(13))).toBe(6);
    expect(uneven.current(at(14.2))).toBe(7);
    expect(uneven.current(at(15.9))).toBe(8);
    const w = uneven.window(at(14.2), 3);
    expect(w.targetDuration).toBe(3);
    expect(w.segments.map((s) => [s.msn, s.clipIndex, s.duration])).toEqual([
      [4, 1, 1.5],
      [5, 2, 2.5],
      [6, 0, 2],
    ]);
    expect(w.segments[2]!.discontinuity).toBe(true);
    expect(w.segments[2]!.startsAt).toBe(at(12));
  });

  it('is a function of the clock alone', () => {
    const again = new LoopTimeline([2, 2, 2, 2, 2], 0);
    const now = Date.now();
    expect(renderLivePlaylist(again.window(now, 6), (s) => `${s.msn}.ts`)).toBe(
      renderLivePlaylist(clip.window(now, 6), (s) => `${s.msn}.ts`),
    );
  });

  it('counts from its epoch: small sequence numbers, wall-clock dates unchanged', () => {
    const epochMs = Date.UTC(2026, 10, 30, 8);
    const recent = new LoopTimeline([2, 2, 2, 2, 2], 0, epochMs);
    const now = epochMs + 3_600_000;
    const window = recent.window(now, 6);
    // An hour of 2 s segments: 1,800 of them, 180 loops of five.
    expect(window.mediaSequence).toBe(1_794);
    expect(window.discontinuitySequence).toBe(358);
    expect(window.segments.at(-1)!.startsAt).toBe(now - 2_000);
    expect(clip.window(now, 6).segments.at(-1)!.startsAt).toBe(now - 2_000);
  });
});
