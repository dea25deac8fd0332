import { describe, expect, it } from 'vitest';
import { catchUpRate, latencyLevel } from './latency.js';

describe('catching up with the live edge', () => {
  it('plays faster the further behind, up to 1.5x, and at 1 once back', () => {
    expect(catchUpRate(0.6, 2, 1)).toBe(1.1);
    expect(catchUpRate(1, 2, 1)).toBe(1.2);
    expect(catchUpRate(2, 2, 1)).toBe(1.4);
    expect(catchUpRate(5, 2, 1)).toBe(1.5);
    expect(catchUpRate(0.05, 2, 1.2)).toBe(1);
  });

  it('does not start for a small wobble, but finishes what it started', () => {
    expect(catchUpRate(0.3, 2, 1)).toBe(1);
    expect(catchUpRate(0.3, 2, 1.1)).toBe(1.05);
  });

  it('never plays faster with almost nothing buffered', () => {
    expect(catchUpRate(3, 0.2, 1.3)).toBe(1);
  });
});

describe('the latency readout', () => {
  it('turns amber and red at its transport’s thresholds', () => {
    expect([1.9, 3.5, 6].map((s) => latencyLevel('ll', s))).toEqual(['ok', 'amber', 'red']);
    expect([4, 6, 10].map((s) => latencyLevel('hls', s))).toEqual(['ok', 'amber', 'red']);
  });
});
