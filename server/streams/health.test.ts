import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CameraStatus } from '../../shared/index.js';
import { watchLogs } from '../log.js';
import { HealthWatcher, type Probe } from './health.js';

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

describe('camera health', () => {
  it('sees a camera go stale, come back, go offline and recover, reporting each change once', async () => {
    let answer: Probe = { ok: true, nextMsn: 10, targetDuration: 2 };
    const reported: CameraStatus[] = [];
    const watcher = new HealthWatcher(
      [{ id: 'cam-1', status: 'online' }],
      async () => answer,
      async (_id, status) => void reported.push(status),
      { intervalMs: 1_000, concurrency: 8 },
    );
    watcher.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(reported).toEqual([]);
    // The media sequence stops: stale once it has not moved for three target durations.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(reported).toEqual(['stale']);
    answer = { ok: true, nextMsn: 11, targetDuration: 2 };
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reported).toEqual(['stale', 'online']);
    // One failure is a blip; the quick second look makes it offline.
    answer = { ok: false };
    await vi.advanceTimersByTimeAsync(1_000);
    expect(watcher.status('cam-1')).toBe('online');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reported).toEqual(['stale', 'online', 'offline']);
    answer = { ok: true, nextMsn: 3, targetDuration: 2 };
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reported).toEqual(['stale', 'online', 'offline', 'online']);
    answer = { ok: true, nextMsn: 3, endList: true };
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reported.at(-1)).toBe('stale');
    await watcher.stop();
  });

  it('watches all 648 cameras within the interval with no more than 8 probes in flight', async () => {
    const ids = Array.from({ length: 648 }, (_, i) => `cam-${i}`);
    const probed = new Set<string>();
    let inFlight = 0;
    let maxInFlight = 0;
    const watcher = new HealthWatcher(
      ids.map((id) => ({ id, status: 'online' as const })),
      async (id) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 40 + (id.length % 3) * 20));
        inFlight--;
        probed.add(id);
        return { ok: true, nextMsn: Date.now(), targetDuration: 2 };
      },
      async () => {},
      { intervalMs: 10_000, concurrency: 8 },
    );
    watcher.start();
    await vi.advanceTimersByTimeAsync(10_500);
    expect(probed.size).toBe(648);
    expect(maxInFlight).toBeLessThanOrEqual(8);
    expect(watcher.counts()).toEqual({ online: 648, stale: 0, offline: 0 });
    const stopping = watcher.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopping;
  });

  it('reports again when reporting failed', async () => {
    const reported: CameraStatus[] = [];
    let fail = true;
    const errors: string[] = [];
    const stopWatching = watchLogs((line) => line.level === 'error' && errors.push(line.msg));
    const watcher = new HealthWatcher(
      [{ id: 'cam-1', status: 'online' }],
      async () => ({ ok: false }),
      async (_id, status) => {
        if (fail) throw new Error('store busy');
        reported.push(status);
      },
      { intervalMs: 1_000, concurrency: 1 },
    );
    watcher.start();
    await vi.advanceTimersByTimeAsync(2_500);
    expect(watcher.status('cam-1')).toBe('online');
    fail = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reported).toEqual(['offline']);
    stopWatching();
    expect(errors).toContain('reporting camera cam-1 offline failed');
    await watcher.stop();
  });
});
