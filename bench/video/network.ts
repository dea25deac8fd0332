import type { Cdp } from './bare-chromium.js';

interface Pending {
  started: number;
  camera?: string;
  kind: 'playlist' | 'segment' | 'other';
}

export interface NetworkSummary {
  requests: number;
  playlists: number;
  segments: number;
  failed: number;
  /** Most requests to our host in flight at once. */
  peakInFlight: number;
  /** Distinct connections (CDP connectionId) that carried responses from our host. */
  connections: number;
  /** Time from the page asking to the request being sent: queueing for a socket, mostly. */
  waitMs: { p50: number; p95: number; max: number };
  /** Responses from a connection opened for them rather than reused. */
  newConnections: number;
  /** Stream requests for cameras the page no longer shows, later than the grace after a push. */
  strays: number;
}

export const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;

/**
 * Watches one page's requests to our server through CDP Network events: how many are in flight
 * at once, how many connections carry them, how long each one waited before it was sent (a tile
 * starved by the six-connections-per-host limit of HTTP/1.1 waits here), and any stream request
 * for a camera that is no longer on the page (a player that was not torn down).
 */
export class NetworkWatch {
  private readonly pending = new Map<string, Pending>();
  private readonly sentAt = new Map<string, number>();
  private readonly connectionIds = new Set<string>();
  private readonly waits: number[] = [];
  private requests = 0;
  private playlists = 0;
  private segments = 0;
  private failed = 0;
  private peak = 0;
  private fresh = 0;
  private strays = 0;
  /** Cameras on the page, and since when a camera that left may still be asked for. */
  private shown = new Set<string>();
  private graceUntil = 0;
  private latest = 0;

  constructor(
    private readonly cdp: Cdp,
    private readonly host: string,
  ) {}

  async start(): Promise<void> {
    this.cdp.on('Network.requestWillBeSent', (e) => {
      this.latest = Math.max(this.latest, e.timestamp);
      const url = new URL(e.request.url);
      if (url.host !== this.host) return;
      const m = /^\/streams\/([^/]+)\/(.+)$/.exec(url.pathname);
      const kind = !m ? 'other' : m[2]!.endsWith('.m3u8') ? 'playlist' : 'segment';
      this.requests++;
      if (kind === 'playlist') this.playlists++;
      if (kind === 'segment') this.segments++;
      const camera = m ? decodeURIComponent(m[1]!) : undefined;
      if (camera && this.shown.size && !this.shown.has(camera) && e.timestamp > this.graceUntil)
        this.strays++;
      this.pending.set(e.requestId, { started: e.timestamp, camera, kind });
      this.sentAt.set(e.requestId, e.timestamp);
      this.peak = Math.max(this.peak, this.pending.size);
    });
    this.cdp.on('Network.responseReceived', (e) => {
      const sent = this.sentAt.get(e.requestId);
      if (sent === undefined) return;
      this.sentAt.delete(e.requestId);
      const r = e.response;
      if (r.connectionId !== undefined) this.connectionIds.add(String(r.connectionId));
      if (r.connectionReused === false) this.fresh++;
      const t = r.timing;
      if (t && t.sendStart >= 0)
        this.waits.push((t.requestTime + t.sendStart / 1000 - sent) * 1000);
    });
    const done = (id: string) => {
      this.pending.delete(id);
      this.sentAt.delete(id);
    };
    this.cdp.on('Network.loadingFinished', (e) => done(e.requestId));
    this.cdp.on('Network.loadingFailed', (e) => {
      if (this.pending.has(e.requestId) && !e.canceled) this.failed++;
      done(e.requestId);
    });
    await this.cdp.send('Network.enable', { maxTotalBufferSize: 0, maxResourceBufferSize: 0 });
  }

  /** The page now shows these cameras; requests for others are strays once `graceS` has passed. */
  shows(cameras: readonly string[], graceS: number): void {
    this.shown = new Set(cameras);
    // CDP timestamps are the browser's monotonic clock; the newest request stands for "now"
    // (sixteen tiles ask for something every few hundred milliseconds).
    this.graceUntil = this.latest + graceS;
  }

  /** Requests in flight right now. */
  inFlight(): number {
    return this.pending.size;
  }

  summary(): NetworkSummary {
    const w = [...this.waits].sort((a, b) => a - b);
    return {
      requests: this.requests,
      playlists: this.playlists,
      segments: this.segments,
      failed: this.failed,
      peakInFlight: this.peak,
      connections: this.connectionIds.size,
      waitMs: { p50: quantile(w, 0.5), p95: quantile(w, 0.95), max: w.at(-1) ?? NaN },
      newConnections: this.fresh,
      strays: this.strays,
    };
  }
}
