/**
 * A seedable pseudo-random source and the few distributions the simulator draws from. Every
 * function takes the generator explicitly, so a test with a fixed seed sees the same city day.
 */
import type { Random } from '../../shared/random.js';

export { seededRandom, type Random } from '../../shared/random.js';

export function chance(rng: Random, p: number): boolean {
  return rng() < p;
}

export function between(rng: Random, min: number, max: number): number {
  return min + (max - min) * rng();
}

export function intBetween(rng: Random, min: number, max: number): number {
  return Math.floor(between(rng, min, max + 1));
}

export function pick<T>(rng: Random, items: readonly T[]): T {
  if (!items.length) throw new Error('pick from an empty list');
  return items[Math.floor(rng() * items.length)]!;
}

/** One item, chosen with probability proportional to its weight. */
export function weighted<T>(rng: Random, items: readonly T[], weightOf: (item: T) => number): T {
  let total = 0;
  for (const item of items) total += Math.max(0, weightOf(item));
  let r = rng() * total;
  for (const item of items) {
    r -= Math.max(0, weightOf(item));
    if (r < 0) return item;
  }
  return items[items.length - 1]!;
}

/** A key of a table of weights, chosen in proportion to its weight. */
export function weightedKey<K extends string | number>(
  rng: Random,
  table: Readonly<Record<K, number>>,
): K {
  const keys = Object.keys(table) as K[];
  return weighted(rng, keys, (k) => table[k]);
}

/** Waiting time of a Poisson process with `ratePerMs` events per millisecond. */
export function exponential(rng: Random, ratePerMs: number): number {
  return -Math.log(1 - rng()) / ratePerMs;
}

/** Standard normal by Box-Muller. */
export function normal(rng: Random): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A right-skewed duration around a median, as people's working times are: most near the
 * median, a long tail of slow ones. `spread` is the log-normal sigma; the result is clamped.
 */
export function duration(
  rng: Random,
  medianMs: number,
  spread = 0.5,
  min = medianMs / 4,
  max = medianMs * 4,
): number {
  return Math.min(max, Math.max(min, medianMs * Math.exp(spread * normal(rng))));
}
