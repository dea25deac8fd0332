/**
 * Loaded into a benchmarked server with `node --import` (no change to the server's code): measures
 * its event-loop delay and GC pauses, reset and read over the IPC channel bench/realtime.ts opens.
 * A stalled loop (a long synchronous step: a big commit, a checkpoint, a GC) shows up here as
 * delay, while CPU accounting alone would not tell it from waiting.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface ProbeReading {
  loopP50: number;
  loopP99: number;
  loopMax: number;
  gcMs: number;
  gcMaxMs: number;
  /**
   * Per second of the window (epoch s): the longest event-loop stall seen by a 10 ms ticker,
   * GC time and the longest GC pause, ms; for bench/realtime.ts --timeline, beside the latency.
   */
  perSecond: Record<string, [stallMax: number, gcMs: number, gcMax: number]>;
}

if (process.send) {
  // The histogram holds whole timer intervals: subtract the resolution to get the delay.
  const RESOLUTION_MS = 10;
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  let gcMs = 0;
  let gcMaxMs = 0;
  let perSecond: ProbeReading['perSecond'] = {};
  const second = (t: number) => (perSecond[String(Math.floor(t / 1000))] ??= [0, 0, 0]);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcMaxMs = Math.max(gcMaxMs, e.duration);
      const s = second(performance.timeOrigin + e.startTime);
      s[1] += e.duration;
      s[2] = Math.max(s[2], e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  // A stall is charged to the second it ended in.
  let last = performance.now();
  setInterval(() => {
    const t = performance.now();
    const s = second(performance.timeOrigin + t);
    s[0] = Math.max(s[0], t - last - RESOLUTION_MS);
    last = t;
  }, RESOLUTION_MS).unref();
  process.on('message', (m: unknown) => {
    if (m === 'probe:reset') {
      loop.reset();
      gcMs = gcMaxMs = 0;
      perSecond = {};
    } else if (m === 'probe:read') {
      const reading: ProbeReading = {
        loopP50: Math.max(0, loop.percentile(50) / 1e6 - RESOLUTION_MS),
        loopP99: Math.max(0, loop.percentile(99) / 1e6 - RESOLUTION_MS),
        loopMax: Math.max(0, loop.max / 1e6 - RESOLUTION_MS),
        gcMs,
        gcMaxMs,
        perSecond,
      };
      process.send!({ probe: reading });
    }
  });
  process.channel?.unref();
}
