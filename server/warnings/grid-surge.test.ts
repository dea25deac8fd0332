import { describe, expect, it } from 'vitest';
import { poissonUpperTail } from './grid-surge.js';

describe('the Poisson upper tail', () => {
  it('agrees with values worked out by hand', () => {
    // P(X ≥ 5 | λ = 1) = 1 − e⁻¹(1 + 1 + 1/2 + 1/6 + 1/24) = 0.0036599
    expect(poissonUpperTail(5, 1)).toBeCloseTo(0.0036599, 6);
    // P(X ≥ 2 | λ = 0.5) = 1 − e^−0.5 × 1.5 = 0.0902040
    expect(poissonUpperTail(2, 0.5)).toBeCloseTo(0.090204, 6);
    // P(X ≥ 1 | λ) = 1 − e^−λ
    expect(poissonUpperTail(1, 3)).toBeCloseTo(1 - Math.exp(-3), 12);
    expect(poissonUpperTail(0, 2)).toBe(1);
    expect(poissonUpperTail(3, 0)).toBe(0);
  });
});
