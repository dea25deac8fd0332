import type Hls from 'hls.js';
import type { ErrorData, HlsConfig } from 'hls.js';
import { ApiError } from '../api/http.js';
import { requestStream } from '../api/streams.js';
import { loadHls } from './hls-loader.js';
import {
  catchUpRate,
  latencyLevel,
  pageOnHttp2,
  type LatencyLevel,
  type LiveMode,
} from './latency.js';

export type TileState = 'connecting' | 'playing' | 'reconnecting' | 'offline';

export interface PlayerStats {
  state: TileState;
  /** From start (or a retry) to the first decoded frame, in ms; the last one measured. */
  firstFrameMs?: number;
  /** Seconds behind the camera's clock (program date time), or behind the live edge. */
  latency?: number;
  /** How the latency reads against the thresholds of the tile's transport. */
  latencyLevel?: LatencyLevel;
  /** Low-Latency HLS (on an HTTP/2 page) or plain HLS. */
  mode: LiveMode;
  /** Playing faster than real time to come back to the target latency. */
  catchingUp: boolean;
  /** Times playback stopped for want of data after it had started. */
  stalls: number;
  /** Attempts since the last good picture; drives the backoff. */
  retries: number;
}

/**
 * Tuned for a wall that runs for weeks: start near the newest segments, keep a few seconds ahead
 * and behind (the buffers stay bounded), jump back to the edge when far behind.
 */
const COMMON_CONFIG: Partial<HlsConfig> = {
  maxBufferLength: 6,
  maxMaxBufferLength: 10,
  maxBufferSize: 8 * 1000 * 1000,
  backBufferLength: 4,
  startFragPrefetch: true,
  // Our own catch-up (catchUpRate) drives the playback rate in both modes.
  maxLiveSyncPlaybackRate: 1,
  // In a worker, every player would start its own copy of hls.js first: with sixteen tiles that
  // cost each of them most of a second before the first picture. Remuxing a segment of a tile's
  // stream on the page takes a few milliseconds.
  enableWorker: false,
  // Our own backoff decides when to try again; hls.js gives up quickly and says so.
  manifestLoadPolicy: {
    default: {
      maxTimeToFirstByteMs: 5_000,
      maxLoadTimeMs: 8_000,
      timeoutRetry: null,
      errorRetry: null,
    },
  },
};

/**
 * Over HTTP/1.1, sixteen tiles share the browser's six connections to our server, so LL-HLS
 * blocking playlist reloads (one parked request per tile) stay off. Three segments behind the
 * edge leaves a playlist reload of slack: at two, tiles stalled at nearly every segment boundary.
 */
const PLAIN_CONFIG: Partial<HlsConfig> = {
  ...COMMON_CONFIG,
  lowLatencyMode: false,
  liveSyncDurationCount: 3,
  liveMaxLatencyDurationCount: 6,
};

/**
 * Over HTTP/2 every request shares one connection: parts, blocking reloads and preload hints, the
 * target latency being the stream's own part hold-back. hls.js has no jump back to the edge
 * without a fixed target of its own; the catch-up below makes it (JUMP_BEHIND_S).
 */
const LOW_LATENCY_CONFIG: Partial<HlsConfig> = {
  ...COMMON_CONFIG,
  lowLatencyMode: true,
  // hls.js moves the target back by this after each stall, up to a target duration: at its
  // default of a second, the one stall of a busy start left tiles a second later for good.
  liveSyncOnStallIncrease: 0.2,
};

/** Further behind its target than this, a tile jumps to the edge instead of catching up. */
const JUMP_BEHIND_S = 2.5;

/** Retry delays: quick at first, then every half minute for as long as the camera is away. */
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
/** A picture that has not moved for this long is treated as lost. */
const FROZEN_MS = 10_000;
/** A start that has shown nothing by then is given up and retried. */
const START_TIMEOUT_MS = 30_000;
/**
 * A stream that refuses its token (expired, past its maximum lifetime) gets a new URL at once,
 * but not twice within this: a refusal right after a fresh URL is a fault for the backoff.
 */
const TOKEN_RENEW_MIN_MS = 15_000;

/**
 * One camera in one video element: asks the server for a stream URL, plays it with hls.js,
 * reports its state, retries with backoff, and on `destroy` releases everything it held.
 */
export class LivePlayer {
  private hls: Hls | undefined;
  private readonly mode: LiveMode = pageOnHttp2() ? 'll' : 'hls';
  private stats: PlayerStats = {
    state: 'connecting',
    stalls: 0,
    retries: 0,
    mode: this.mode,
    catchingUp: false,
  };
  private startedAt = 0;
  private retryTimer: number | undefined;
  private watchTimer: number | undefined;
  private lastTime = -1;
  private lastProgressAt = 0;
  private playing = false;
  private destroyed = false;
  private renewedAt = -Infinity;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly cameraId: string,
    private readonly onStats: (stats: PlayerStats) => void,
  ) {
    video.muted = true;
    video.playsInline = true;
    // The element starts itself the moment it can (muted, so the browser allows it): measured
    // ~150 ms sooner than a `play()` from our own `canplay` handler, which stays as the fallback.
    video.autoplay = true;
    video.addEventListener('playing', this.onPlaying);
    video.addEventListener('waiting', this.onWaiting);
    video.addEventListener('canplay', this.onCanPlay);
    this.watchTimer = window.setInterval(this.watch, 1_000);
    void this.start();
  }

  /** The camera is said to be back: try now instead of waiting out the backoff. */
  retryNow(): void {
    if (this.destroyed || this.stats.state === 'playing') return;
    window.clearTimeout(this.retryTimer);
    void this.start();
  }

  destroy(): void {
    this.destroyed = true;
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.watchTimer);
    this.video.removeEventListener('playing', this.onPlaying);
    this.video.removeEventListener('waiting', this.onWaiting);
    this.video.removeEventListener('canplay', this.onCanPlay);
    this.release();
  }

  private async start(): Promise<void> {
    this.release();
    this.startedAt = performance.now();
    this.playing = false;
    this.update({ state: this.stats.retries ? this.stats.state : 'connecting' });
    const grant = requestStream(this.cameraId);
    // Awaited below; until then a refusal must not count as unhandled.
    grant.catch(() => undefined);
    try {
      const HlsClass = await loadHls();
      if (this.destroyed) return;
      // Attached while the server issues the stream URL: opening the media source takes a
      // while too, and the two overlap.
      const hls = new HlsClass(this.mode === 'll' ? LOW_LATENCY_CONFIG : PLAIN_CONFIG);
      this.hls = hls;
      hls.on(HlsClass.Events.ERROR, (_event, data) => this.onError(data));
      hls.attachMedia(this.video);
      const { url } = await grant;
      if (this.destroyed || this.hls !== hls) return;
      hls.loadSource(url);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        // The session itself has ended: the app's login takes over, and this tile waits.
        this.release();
        this.update({ state: 'reconnecting', latency: undefined, latencyLevel: undefined });
        return;
      }
      // No stream URL: the server says the camera is unknown or unreachable right now.
      this.fail(err instanceof ApiError && err.status >= 500);
    }
  }

  private onError(data: ErrorData): void {
    if (!data.fatal) return;
    const code = data.response?.code ?? 0;
    // 401/403 from our forwarder: the URL's token is no longer good. A new one, if the session
    // still stands, picks up where this left off, without the operator noticing much.
    if ((code === 401 || code === 403) && performance.now() - this.renewedAt > TOKEN_RENEW_MIN_MS) {
      this.renewedAt = performance.now();
      void this.start();
      return;
    }
    // 502/503/504 from our forwarder mean the camera itself is not answering.
    this.fail(code >= 502 && code <= 504);
  }

  private fail(cameraDown: boolean): void {
    if (this.destroyed) return;
    this.release();
    const retries = this.stats.retries + 1;
    this.update({
      state: cameraDown ? 'offline' : 'reconnecting',
      retries,
      latency: undefined,
      latencyLevel: undefined,
      catchingUp: false,
    });
    const base = BACKOFF_MS[Math.min(retries - 1, BACKOFF_MS.length - 1)]!;
    // A little jitter, so a wall of tiles that lost the same NVR does not retry in lockstep.
    this.retryTimer = window.setTimeout(
      () => void this.start(),
      base * (0.85 + Math.random() * 0.3),
    );
  }

  private readonly onPlaying = () => {
    if (this.playing) return;
    this.playing = true;
    this.lastProgressAt = performance.now();
    this.update({
      state: 'playing',
      retries: 0,
      firstFrameMs: Math.round(performance.now() - this.startedAt),
    });
  };

  /**
   * Starts playback if autoplay did not: a `play()` issued before hls.js attaches its media
   * source is cancelled by that attach, so it waits for something to play.
   */
  private readonly onCanPlay = () => {
    if (this.video.paused) this.video.play().catch(() => undefined);
  };

  private readonly onWaiting = () => {
    if (this.playing) this.update({ stalls: this.stats.stalls + 1 });
  };

  /** Once a second: the latency readout, and a watchdog for a picture that froze. */
  private readonly watch = () => {
    const hls = this.hls;
    if (!hls) return;
    const now = performance.now();
    if (!this.playing) {
      // Neither a picture nor an error: a start that hangs is a failure too.
      if (now - this.startedAt > START_TIMEOUT_MS) this.fail(false);
      return;
    }
    if (this.video.currentTime !== this.lastTime) {
      this.lastTime = this.video.currentTime;
      this.lastProgressAt = now;
    } else if (now - this.lastProgressAt > FROZEN_MS) {
      this.fail(false);
      return;
    }
    const date = hls.playingDate;
    const latency = date ? (Date.now() - date.getTime()) / 1000 : hls.latency;
    const catchingUp = this.catchUp(hls);
    if (Number.isFinite(latency)) {
      const seconds = Math.max(0, latency);
      this.update({ latency: seconds, latencyLevel: latencyLevel(this.mode, seconds), catchingUp });
    }
  };

  /** Plays a little faster while the tile is behind its target, so it comes back without a jump. */
  private catchUp(hls: Hls): boolean {
    const video = this.video;
    const target = hls.targetLatency;
    if (target === null || !Number.isFinite(hls.latency)) return false;
    const buffered = video.buffered;
    const ahead = buffered.length ? buffered.end(buffered.length - 1) - video.currentTime : 0;
    const drift = hls.latency - target;
    const edge = hls.liveSyncPosition;
    if (drift > JUMP_BEHIND_S && edge !== null && edge > video.currentTime) {
      video.currentTime = edge;
      return false;
    }
    const rate = catchUpRate(drift, ahead, video.playbackRate);
    if (rate !== video.playbackRate) video.playbackRate = rate;
    return rate > 1;
  }

  /** Detaches and destroys hls.js and empties the element, so its decoder and buffers go. */
  private release(): void {
    const hls = this.hls;
    this.hls = undefined;
    this.playing = false;
    if (hls) {
      hls.detachMedia();
      hls.destroy();
    }
    this.video.removeAttribute('src');
    this.video.load();
  }

  private update(patch: Partial<PlayerStats>): void {
    this.stats = { ...this.stats, ...patch };
    this.onStats(this.stats);
  }
}
