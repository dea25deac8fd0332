import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { everyBeat, onNextBeat, untilBeat } from './beat.js';

describe("the screen's beat", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.stubGlobal('window', globalThis);
    vi.setSystemTime(1_000_000_300);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('counts to the next whole second, skipping one too close to catch', () => {
    expect(untilBeat(1_000, 1_000_000_300)).toBe(700);
    expect(untilBeat(1_000, 1_000_000_950)).toBe(1_050);
    expect(untilBeat(500, 1_000_000_300)).toBe(200);
  });

  it('ticks on whole seconds whenever it was started', () => {
    const at: number[] = [];
    const beats: number[] = [];
    const stop = everyBeat(1_000, (beat) => {
      at.push(Date.now());
      beats.push(beat);
    });
    vi.advanceTimersByTime(3_000);
    stop();
    vi.advanceTimersByTime(2_000);
    expect(at).toEqual([1_000_001_000, 1_000_002_000, 1_000_003_000]);
    expect(beats).toEqual(at);
  });

  it('shows the latest of a burst once, on the beat, in step with the other panels', () => {
    const shown: [string, number][] = [];
    const figures = onNextBeat<string>(1_000, (v) => shown.push([v, Date.now()]));
    const clock: number[] = [];
    const stop = everyBeat(1_000, () => clock.push(Date.now()));
    figures('a');
    vi.advanceTimersByTime(100);
    figures('b');
    vi.advanceTimersByTime(700);
    figures('c');
    vi.advanceTimersByTime(1_000);
    stop();
    expect(shown).toEqual([
      ['b', 1_000_001_000],
      ['c', 1_000_002_000],
    ]);
    expect(clock).toEqual([1_000_001_000, 1_000_002_000]);
  });

  it('passes on figures that come just before the beat at that beat, each second, and drops a cancelled one', () => {
    const shown: [number, number][] = [];
    const figures = onNextBeat<number>(1_000, (v) => shown.push([v, Date.now()]));
    // Pushed by the server each second, 50 ms before this screen's beat.
    vi.setSystemTime(1_000_000_950);
    for (let k = 0; k < 3; k++) {
      figures(k);
      vi.advanceTimersByTime(1_000);
    }
    expect(shown).toEqual([
      [0, 1_000_001_000],
      [1, 1_000_002_000],
      [2, 1_000_003_000],
    ]);
    figures(3);
    figures.cancel();
    vi.advanceTimersByTime(2_000);
    expect(shown).toHaveLength(3);
  });
});
