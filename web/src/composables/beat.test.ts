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
    const stop = everyBeat(1_000, () => at.push(Date.now()));
    vi.advanceTimersByTime(3_000);
    stop();
    vi.advanceTimersByTime(2_000);
    expect(at).toEqual([1_000_001_000, 1_000_002_000, 1_000_003_000]);
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
});
