import { describe, expect, it } from 'vitest';
import { ByteLru, SegmentCache, SingleFlight } from './segment-cache.js';

const item = (bytes: number) => ({ bytes });

describe('the byte-bounded LRU', () => {
  it('never holds more than its budget, dropping the least recently used first', () => {
    const lru = new ByteLru<{ bytes: number }>(100);
    lru.set('a', item(25));
    lru.set('b', item(25));
    lru.set('c', item(25));
    lru.get('a'); // a is now the most recent; b the least
    lru.set('d', item(25));
    expect(lru.bytes).toBe(100);
    lru.set('e', item(20));
    expect(lru.bytes).toBeLessThanOrEqual(100);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBeDefined();
    expect(lru.get('e')).toBeDefined();
    expect(lru.size).toBe(4);
  });

  it('replaces an entry without counting it twice, and keeps nothing bigger than a quarter', () => {
    const lru = new ByteLru<{ bytes: number }>(100);
    lru.set('a', item(10));
    lru.set('a', item(20));
    expect(lru.bytes).toBe(20);
    lru.set('huge', item(26));
    expect(lru.get('huge')).toBeUndefined();
    expect(lru.bytes).toBe(20);
  });

  it('stays within budget under churn', () => {
    const lru = new ByteLru<{ bytes: number }>(10_000);
    for (let i = 0; i < 5_000; i++) {
      lru.set(`k${i % 700}`, item(1 + ((i * 7919) % 2_000)));
      expect(lru.bytes).toBeLessThanOrEqual(10_000);
    }
  });
});

describe('single flight', () => {
  it('gives concurrent callers one load, and forgets failures so the next caller retries', async () => {
    const flights = new SingleFlight<number>();
    let loads = 0;
    let release!: (n: number) => void;
    const load = () => {
      loads++;
      return new Promise<number>((r) => (release = r));
    };
    const calls = Array.from({ length: 50 }, () => flights.run('seg-1', load));
    expect(calls.filter((c) => !c.shared)).toHaveLength(1);
    release(42);
    expect(await Promise.all(calls.map((c) => c.value))).toEqual(Array(50).fill(42));
    expect(loads).toBe(1);
    expect(flights.inFlight).toBe(0);

    const failing = flights.run('seg-2', () => Promise.reject(new Error('upstream down')));
    await expect(failing.value).rejects.toThrow('upstream down');
    const retry = flights.run('seg-2', async () => 7);
    expect(retry.shared).toBe(false);
    expect(await retry.value).toBe(7);
  });
});

describe('the segment cache', () => {
  it('loads once, shares the load, then answers from memory', async () => {
    const cache = new SegmentCache<{ bytes: number; n: number }>(1_000);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      return { bytes: 100, n: loads };
    };
    const first = await Promise.all(Array.from({ length: 20 }, () => cache.get('x', load)));
    expect(first.map((r) => r.source).sort()).toEqual(['miss', ...Array(19).fill('shared')]);
    expect((await cache.get('x', load)).source).toBe('hit');
    expect(loads).toBe(1);
    expect(cache.bytes).toBe(100);
  });
});
