import type Hls from 'hls.js';
import type { HlsConfig } from 'hls.js';
import { requestPlayback } from '../api/streams.js';
import { loadHls } from './hls-loader.js';

export interface RecordedStats {
  state: 'connecting' | 'playing' | 'failed';
  /** When the picture on screen was recorded (epoch ms), from the recording's dates. */
  at?: number;
  /** Why it failed: the server's refusal (an ApiError) or a player error. */
  error?: unknown;
}

/** A playback stream covers this much at once; the next follows when it has played out. */
const CHUNK_MS = 30 * 60_000;
/** A recording that plays out this close to now has caught up with live. */
const LIVE_AGAIN_MS = 10_000;

const RECORDED_CONFIG: Partial<HlsConfig> = {
  // The start position is worked out from the playlist's dates, once it is in.
  autoStartLoad: false,
  maxBufferLength: 10,
  maxMaxBufferLength: 20,
  backBufferLength: 10,
  enableWorker: false,
};

/**
 * A camera's recordings (回放) in one video element, from a moment on: asks the server for a
 * dated VOD stream, starts at the asked moment by the playlist's program date times, reports the
 * time of the picture on screen, follows on with the next stretch when one has played out, and
 * says so (`onLive`) once it has caught up with the present.
 */
export class RecordedPlayer {
  private hls: Hls | undefined;
  private destroyed = false;
  private rangeEnd = 0;
  private readonly timer: number;
  private stats: RecordedStats = { state: 'connecting' };

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly cameraId: string,
    from: number,
    private readonly onStats: (stats: RecordedStats) => void,
    private readonly onLive: () => void,
  ) {
    video.muted = true;
    video.playsInline = true;
    video.autoplay = true;
    video.addEventListener('playing', this.onPlaying);
    video.addEventListener('ended', this.onEnded);
    this.timer = window.setInterval(this.tick, 250);
    void this.play(from);
  }

  destroy(): void {
    this.destroyed = true;
    window.clearInterval(this.timer);
    this.video.removeEventListener('playing', this.onPlaying);
    this.video.removeEventListener('ended', this.onEnded);
    this.release();
  }

  private async play(from: number): Promise<void> {
    this.release();
    this.update({ state: 'connecting', error: undefined });
    const grant = requestPlayback(this.cameraId, new Date(from), new Date(from + CHUNK_MS));
    grant.catch(() => undefined);
    try {
      const HlsClass = await loadHls();
      if (this.destroyed) return;
      const hls = new HlsClass(RECORDED_CONFIG);
      this.hls = hls;
      hls.on(HlsClass.Events.ERROR, (_event, data) => {
        if (data.fatal && this.hls === hls) this.fail(data.error ?? new Error(data.details));
      });
      hls.once(HlsClass.Events.LEVEL_LOADED, (_event, { details }) => {
        const first = details.fragments[0];
        const date = first?.programDateTime;
        // Recorders answer in whole seconds: the asked moment lies a little into the first one.
        const offset = date ? Math.max(0, (from - date) / 1000) : 0;
        hls.startLoad((first?.start ?? 0) + offset);
      });
      hls.attachMedia(this.video);
      const { url, end } = await grant;
      if (this.destroyed || this.hls !== hls) return;
      this.rangeEnd = Date.parse(end);
      hls.loadSource(url);
    } catch (err) {
      this.fail(err);
    }
  }

  private readonly onPlaying = () => this.update({ state: 'playing' });

  /** Played out: on with the next stretch, or back to live when the recording reached now. */
  private readonly onEnded = () => {
    if (this.destroyed) return;
    if (this.rangeEnd >= Date.now() - LIVE_AGAIN_MS) this.onLive();
    else void this.play(this.rangeEnd);
  };

  private readonly tick = () => {
    const at = this.hls?.playingDate?.getTime();
    if (at !== undefined && at !== this.stats.at) this.update({ at });
  };

  private fail(error: unknown): void {
    if (this.destroyed) return;
    this.release();
    this.update({ state: 'failed', error });
  }

  private release(): void {
    const hls = this.hls;
    this.hls = undefined;
    if (hls) {
      hls.detachMedia();
      hls.destroy();
    }
    this.video.removeAttribute('src');
    this.video.load();
  }

  private update(patch: Partial<RecordedStats>): void {
    this.stats = { ...this.stats, ...patch };
    this.onStats(this.stats);
  }
}
