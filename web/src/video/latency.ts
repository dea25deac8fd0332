/**
 * How far behind the street a live tile may be before its readout says so, by transport: Low-
 * Latency HLS aims at about a second, plain HLS with one-second segments at about four. Amber
 * from the first threshold, red from the second (seconds, from the program date time of the
 * frame on screen). Documented in the README's video section.
 */
export const LATENCY_THRESHOLDS = {
  ll: { amber: 3.5, red: 6 },
  hls: { amber: 6, red: 10 },
} as const;

export type LiveMode = keyof typeof LATENCY_THRESHOLDS;
export type LatencyLevel = 'ok' | 'amber' | 'red';

export function latencyLevel(mode: LiveMode, seconds: number): LatencyLevel {
  const t = LATENCY_THRESHOLDS[mode];
  return seconds >= t.red ? 'red' : seconds >= t.amber ? 'amber' : 'ok';
}

/**
 * Low-latency playback is for pages on HTTP/2: each LL-HLS player parks a blocking request, and
 * sixteen of them over HTTP/1.1's six connections per host would queue behind one another.
 */
export function pageOnHttp2(): boolean {
  const nav = performance.getEntriesByType('navigation')[0] as
    PerformanceNavigationTiming | undefined;
  return nav?.nextHopProtocol === 'h2' || nav?.nextHopProtocol === 'h3';
}

/**
 * The playback rate that brings a tile drifting behind its target back without a jump: faster
 * the further behind (a tenth faster for each half second), never more than 1.5× (camera video
 * has no sound to give it away), and 1 once within a tenth of a second. A tile at 1 starts
 * only from half a second behind, so small wobbles do not change its rate.
 */
export function catchUpRate(driftSeconds: number, bufferedAhead: number, current: number): number {
  // Playing faster with almost nothing buffered would only run into a stall.
  if (bufferedAhead < 0.3 || driftSeconds <= 0.1) return 1;
  if (driftSeconds < 0.5 && current === 1) return 1;
  return Math.min(1.5, 1 + Math.round(driftSeconds * 4) / 20);
}
