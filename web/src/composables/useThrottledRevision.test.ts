import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, nextTick, ref, watch } from 'vue';
import { paintAtOnce, useThrottledRevision } from './useThrottledRevision.js';

describe('useThrottledRevision', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.stubGlobal('window', globalThis);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('passes the first change at once, then follows a stream of them on whole seconds, never more than a second late', async () => {
    const scope = effectScope();
    const source = ref(0);
    // onBeforeUnmount outside a component only warns; the scope stops the watcher.
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const updates: number[] = [];
    scope.run(() => {
      const tick = useThrottledRevision(() => source.value, 1_000);
      watch(tick, () => updates.push(Date.now() % 10_000), { flush: 'sync' });
    });
    const change = async () => {
      source.value += 1;
      await nextTick();
    };

    vi.setSystemTime(1_000_000_450);
    await change();
    for (let k = 0; k < 26; k++) {
      vi.advanceTimersByTime(100);
      await change();
    }
    scope.stop();
    // 450 at once; then 1000, the first whole or half second at least half a second later;
    // then each whole second.
    expect(updates).toEqual([450, 1_000, 2_000, 3_000]);
  });
});

describe('an urgent change', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.stubGlobal('window', globalThis);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('passes at once mid-stream, then once per period at most, the rest on the beat', async () => {
    const scope = effectScope();
    const source = ref(0);
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const updates: number[] = [];
    scope.run(() => {
      const tick = useThrottledRevision(() => source.value, 1_000);
      watch(tick, () => updates.push(Date.now() % 10_000), { flush: 'sync' });
    });
    const change = async (urgent = false) => {
      source.value += 1;
      if (urgent) paintAtOnce();
      await nextTick();
    };

    vi.setSystemTime(1_000_000_450);
    await change();
    vi.advanceTimersByTime(100);
    await change(true);
    vi.advanceTimersByTime(100);
    await change();
    vi.advanceTimersByTime(200);
    // Within a second of the last urgent one: it waits like any.
    await change(true);
    vi.advanceTimersByTime(2_000);
    // A mark with nothing new for this view changes nothing.
    paintAtOnce();
    await nextTick();
    vi.advanceTimersByTime(2_000);
    scope.stop();
    // 450 at once; 550 urgent; the two after it at 1500 (the half-beat grid, a second after
    // 550 at most).
    expect(updates).toEqual([450, 550, 1_500]);
  });
});
