/**
 * One request to our server as the page's Resource Timing saw it (bench/video/probe.ts): its
 * path and the page's performance.now() times. Entries arrive when a request ends, so requests
 * in flight are counted afterwards, from the intervals. A request aborted before its response
 * (a player torn down mid-segment) may have no entry, so `failed` counts only those that ended
 * without a response or with an error status.
 */
export interface RequestEntry {
  path: string;
  start: number;
  /** When the request was sent: the time before it is queueing for a socket and connecting. */
  sent: number;
  end: number;
  /** A connection was opened for this request rather than reused. */
  connected: boolean;
  /** 0 when the request failed without a response. */
  status: number;
}

export interface NetworkSummary {
  requests: number;
  playlists: number;
  segments: number;
  /** Requests without a response or with an error status. */
  failed: number;
  /** Requests in flight at once: the most, and the median and 99th percentile of each second. */
  inFlight: { peak: number; p50: number; p99: number };
  /** Time from the page asking to the request being sent: queueing for a socket, mostly. */
  waitMs: { p50: number; p95: number; max: number };
  /** Requests for which a connection was opened rather than reused. */
  newConnections: number;
  /** Stream requests for cameras the page no longer shows, later than the grace after a push. */
  strays: number;
}

export const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;

/**
 * Folds one page's requests to our server into the figures: how many are in flight at once (a
 * tile starved by the six-connections-per-host limit of HTTP/1.1 shows as a long wait before its
 * request is sent), and any stream request for a camera that is no longer on the page (a player
 * that was not torn down). It reads the page's own Resource Timing rather than DevTools' Network
 * domain, which keeps an entry per request in the renderer and would grow its memory itself.
 */
export class NetworkWatch {
  private readonly spans: [number, number][] = [];
  private readonly waits: number[] = [];
  private requests = 0;
  private playlists = 0;
  private segments = 0;
  private failed = 0;
  private fresh = 0;
  private strays = 0;
  /** Cameras on the page, and since when (page time) a camera that left is a stray. */
  private shown = new Set<string>();
  private graceUntil = 0;
  private latest = 0;

  add(entries: readonly RequestEntry[]): void {
    for (const e of entries) {
      this.latest = Math.max(this.latest, e.start);
      const m = /^\/streams\/([^/]+)\/([^?]+)/.exec(e.path);
      this.requests++;
      if (m?.[2]!.endsWith('.m3u8')) this.playlists++;
      else if (m) this.segments++;
      const camera = m ? decodeURIComponent(m[1]!) : undefined;
      if (camera && this.shown.size && !this.shown.has(camera) && e.start > this.graceUntil)
        this.strays++;
      if (e.status === 0 || e.status >= 400) this.failed++;
      if (e.connected) this.fresh++;
      if (e.sent > 0) this.waits.push(e.sent - e.start);
      this.spans.push([e.start, e.end]);
    }
  }

  /**
   * The page now shows these cameras; requests for others are strays once `graceS` has passed.
   * Only requests that ended are known, so the newest one stands for "now": sixteen tiles ask
   * for something every few hundred milliseconds.
   */
  shows(cameras: readonly string[], graceS: number): void {
    this.shown = new Set(cameras);
    this.graceUntil = this.latest + graceS * 1000;
  }

  summary(): NetworkSummary {
    const w = [...this.waits].sort((a, b) => a - b);
    return {
      requests: this.requests,
      playlists: this.playlists,
      segments: this.segments,
      failed: this.failed,
      inFlight: concurrency(this.spans),
      waitMs: { p50: quantile(w, 0.5), p95: quantile(w, 0.95), max: w.at(-1) ?? NaN },
      newConnections: this.fresh,
      strays: this.strays,
    };
  }
}

/** Most intervals open at once, and the count open at each whole second, as quantiles. */
function concurrency(spans: readonly [number, number][]): NetworkSummary['inFlight'] {
  if (!spans.length) return { peak: 0, p50: NaN, p99: NaN };
  // Ends sort before starts at the same time: a request sent as another ends shares no moment.
  const edges = spans
    .flatMap(([s, e]) => [[s, 1] as const, [e, -1] as const])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const first = Math.ceil(edges[0]![0] / 1000) * 1000;
  const perSecond: number[] = [];
  let open = 0;
  let peak = 0;
  let tick = first;
  for (const [t, d] of edges) {
    while (tick < t) {
      perSecond.push(open);
      tick += 1000;
    }
    open += d;
    peak = Math.max(peak, open);
  }
  perSecond.sort((a, b) => a - b);
  return { peak, p50: quantile(perSecond, 0.5), p99: quantile(perSecond, 0.99) };
}
