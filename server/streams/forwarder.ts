import type { Metrics } from '../metrics.js';
import {
  PlaylistError,
  recordedFiles,
  rewritePlaylist,
  type PlaylistInfo,
  type RecordedFile,
  type UriRole,
} from './playlist.js';
import type { RefSealer } from './refs.js';
import { ByteLru, SegmentCache, SingleFlight, type Source } from './segment-cache.js';
import { asUpstreamError, UpstreamError, type Upstream } from './upstream.js';

/** A rewritten playlist, split where each viewer's own token goes. */
export interface ForwardedPlaylist {
  pieces: string[];
  info: PlaylistInfo;
  /** Upstream URLs of a master's variant streams, in order (health follows the first). */
  variants: string[];
  expiresAt: number;
  bytes: number;
}

export interface ForwardedMedia {
  body: Buffer;
  contentType: string;
  bytes: number;
}

export interface ForwarderOptions {
  timeoutMs: number;
  blockingTimeoutMs: number;
  segmentCacheBytes: number;
  /** Share of the (part) target duration a playlist is reused for. */
  playlistCacheFraction: number;
}

/** Where the token goes in a cached playlist; never in upstream text, which is checked for it. */
const TOKEN_SLOT = '\u0000';
const MAX_PLAYLIST_BYTES = 1 << 20;
const MAX_MEDIA_BYTES = 64 << 20;
/** Masters change when a camera is reconfigured, not every segment. */
const MASTER_TTL_MS = 5_000;
/** A finished (recorded) playlist does not change; viewers seeking in it share one copy. */
const FINISHED_TTL_MS = 60_000;
const PLAYLIST_CACHE_BYTES = 32 << 20;

/** Extensions a forwarded media name may get; anything else is named `.bin`. */
const MEDIA_EXTENSIONS = new Set([
  'ts',
  'm4s',
  'mp4',
  'm4v',
  'm4a',
  'aac',
  'mp3',
  'ac3',
  'ec3',
  'key',
  'bin',
]);

/**
 * The only types a segment, init section, part or key is served as, whatever its name: a file
 * the browser would render (an NVR's HTML login or error page, SVG, a script) must never come
 * from our origin. Playlists as audio types (`audio/mpegurl`) are not media either: forwarded
 * as bytes, they would carry upstream URLs to the browser unrewritten.
 */
const MEDIA_TYPE =
  /^(video\/mp2t|video\/mp4|video\/iso\.segment|audio\/[a-z0-9.+-]+|application\/octet-stream)$/;
const PLAYLIST_AUDIO_TYPE = /^audio\/(x-)?mpegurl$/;

/** Upstream's Content-Type as we serve it, or undefined when it is not one we serve. */
export function mediaType(upstreamType: string | undefined): string | undefined {
  // Without a type, the bytes go as an opaque download (`nosniff` keeps browsers from guessing).
  if (upstreamType === undefined || upstreamType.trim() === '') return 'application/octet-stream';
  const type = upstreamType.split(';', 1)[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(type) && !PLAYLIST_AUDIO_TYPE.test(type) ? type : undefined;
}

/** How fresh the playlist state that bounds LL-HLS directives must be, in target durations. */
const LIVE_STATE_FRESH_TARGETS = 1;
const MAX_LIVE_STATES = 10_000;
/** The LL-HLS directives, which make a different upstream URL of the same playlist. */
const LL_HLS_PARAMS = ['_HLS_msn', '_HLS_part', '_HLS_skip'];

/**
 * The forwarding core, below HTTP: playlists from upstream rewritten to point back at us and
 * briefly cached, segments cached in memory, and one upstream fetch for any number of viewers
 * asking for the same thing at once.
 */
export class Forwarder {
  private readonly playlists = new ByteLru<ForwardedPlaylist>(PLAYLIST_CACHE_BYTES);
  private readonly playlistFlights = new SingleFlight<ForwardedPlaylist>();
  private readonly media: SegmentCache<ForwardedMedia>;
  /** The newest state seen of each live playlist (whatever directives fetched it), by camera. */
  private readonly live = new Map<string, { info: PlaylistInfo; at: number }>();

  constructor(
    private readonly refs: RefSealer,
    private readonly metrics: Metrics,
    private readonly options: ForwarderOptions,
  ) {
    this.media = new SegmentCache(options.segmentCacheBytes);
  }

  /**
   * A playlist for one camera, by upstream URL, with any LL-HLS blocking-reload parameters
   * (`blocking`: upstream holds the request until the asked-for part exists).
   */
  async playlist(
    cameraId: string,
    upstream: Upstream,
    url: string,
    blocking = false,
    timeoutMs = blocking ? this.options.blockingTimeoutMs : this.options.timeoutMs,
  ): Promise<ForwardedPlaylist> {
    const key = `${cameraId}\n${url}`;
    const cached = this.playlists.get(key);
    if (cached && cached.expiresAt > Date.now()) {
      this.count('playlist', 'hit');
      return cached;
    }
    const { value, shared } = this.playlistFlights.run(key, async () => {
      const fetched = await this.fetch(upstream, url, 'playlist', MAX_PLAYLIST_BYTES, timeoutMs);
      const playlist = this.rewrite(cameraId, upstream, fetched.body, fetched.url);
      this.playlists.set(key, playlist);
      this.remember(cameraId, url, playlist.info);
      return playlist;
    });
    this.count('playlist', shared ? 'shared' : 'miss');
    // A viewer joining a health probe's fetch (or the reverse) waits no longer than its own limit.
    return shared ? within(value, timeoutMs) : value;
  }

  /**
   * What a playlist says (its state; a master's variants) without rewriting it for a browser,
   * for health probes, which serve nobody: no names sealed, nothing cached. A viewer's fresh
   * copy answers instead when there is one.
   */
  async inspect(
    cameraId: string,
    upstream: Upstream,
    url: string,
    timeoutMs: number,
  ): Promise<Pick<ForwardedPlaylist, 'info' | 'variants'>> {
    const cached = this.playlists.get(`${cameraId}\n${url}`);
    if (cached && cached.expiresAt > Date.now()) return cached;
    const fetched = await this.fetch(upstream, url, 'playlist', MAX_PLAYLIST_BYTES, timeoutMs);
    const variants: string[] = [];
    const look = (absolute: string, role: UriRole): string => {
      if (!upstream.contains(absolute)) {
        throw new PlaylistError('upstream playlist names a file on another host');
      }
      if (role.variant) variants.push(absolute);
      return absolute;
    };
    try {
      const { info } = rewritePlaylist(fetched.body.toString('utf8'), fetched.url, look, {
        lowLatency: upstream.lowLatency,
      });
      this.remember(cameraId, url, info);
      return { info, variants };
    } catch (err) {
      if (err instanceof PlaylistError) throw new UpstreamError(502, err.message);
      throw err;
    }
  }

  /**
   * A live playlist's current state, for bounding a player's blocking-reload directives: the
   * newest any viewer fetched within a target duration, or a fresh (briefly cached) fetch.
   */
  async current(cameraId: string, upstream: Upstream, url: string): Promise<PlaylistInfo> {
    const known = this.live.get(liveKey(cameraId, url));
    if (known && fresh(known)) return known.info;
    return (await this.playlist(cameraId, upstream, url)).info;
  }

  /**
   * A recorded (finished) media playlist's files in play order, upstream URLs, each once (an init
   * section named again after a discontinuity is not repeated), each segment with its length and
   * date: what a clip export reads. Nothing is sealed or cached.
   */
  async recording(upstream: Upstream, url: string): Promise<RecordedFile[]> {
    const fetched = await this.fetch(
      upstream,
      url,
      'playlist',
      MAX_PLAYLIST_BYTES,
      this.options.timeoutMs,
    );
    try {
      const { text, info } = rewritePlaylist(
        fetched.body.toString('utf8'),
        fetched.url,
        (absolute, role) => {
          if (!upstream.contains(absolute)) {
            throw new PlaylistError('upstream playlist names a file on another host');
          }
          if (role.kind === 'playlist') {
            throw new PlaylistError('a recording is one media playlist');
          }
          return absolute;
        },
      );
      if (info.master || !info.endList) {
        throw new PlaylistError('the recording is not a finished media playlist');
      }
      return recordedFiles(text);
    } catch (err) {
      if (err instanceof PlaylistError) throw new UpstreamError(502, err.message);
      throw err;
    }
  }

  private remember(cameraId: string, url: string, info: PlaylistInfo): void {
    if (info.master || info.nextMsn === undefined) return;
    const key = liveKey(cameraId, url);
    const known = this.live.get(key);
    // A blocking reload answered late may be older than one answered since; a lower sequence
    // number is believed once the newer state has aged (the camera's stream restarted).
    if (known && (known.info.nextMsn ?? 0) > info.nextMsn && fresh(known)) return;
    if (!known && this.live.size >= MAX_LIVE_STATES) this.live.clear();
    this.live.set(key, { info, at: Date.now() });
  }

  /** A segment already in memory, if it is. */
  cachedSegment(url: string): ForwardedMedia | undefined {
    const media = this.media.cached(url);
    if (media) this.count('segment', 'hit');
    return media;
  }

  /**
   * A segment, init section, part or key, by upstream URL, served as the type upstream gave it
   * (not the one its name suggests), if that is a media type.
   */
  async segment(upstream: Upstream, url: string, blocking: boolean): Promise<ForwardedMedia> {
    const timeoutMs = blocking ? this.options.blockingTimeoutMs : this.options.timeoutMs;
    const { value, source } = await this.media.get(url, async () => {
      const fetched = await this.fetch(upstream, url, 'segment', MAX_MEDIA_BYTES, timeoutMs);
      const contentType = mediaType(fetched.contentType);
      if (!contentType) {
        this.metrics.count(
          'citybrain_stream_upstream_errors_total',
          'camera upstream requests that failed, by the status answered to viewers',
          1,
          { kind: 'segment', status: '502' },
        );
        throw new UpstreamError(502, 'camera upstream answered a segment that is not media', {
          code: 'upstream_content_type',
        });
      }
      return { body: fetched.body, contentType, bytes: fetched.body.length };
    });
    this.count('segment', source);
    if (source === 'miss') {
      this.metrics.gauge(
        'citybrain_stream_cache_bytes',
        'bytes of camera segments held in memory',
        this.media.bytes,
      );
    }
    return value;
  }

  private async fetch(
    upstream: Upstream,
    url: string,
    kind: 'playlist' | 'segment',
    maxBytes: number,
    timeoutMs: number,
  ) {
    this.metrics.count(
      'citybrain_stream_upstream_requests_total',
      'requests the stream forwarder sent to camera upstreams',
      1,
      { kind },
    );
    const started = process.hrtime.bigint();
    try {
      return await upstream.fetch(url, { timeoutMs, maxBytes });
    } catch (err) {
      const failure = asUpstreamError(err, timeoutMs);
      this.metrics.count(
        'citybrain_stream_upstream_errors_total',
        'camera upstream requests that failed, by the status answered to viewers',
        1,
        { kind, status: String(failure.status) },
      );
      throw failure;
    } finally {
      this.metrics.observe(
        'citybrain_stream_upstream_seconds',
        'time camera upstreams took to answer the stream forwarder',
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  }

  private rewrite(
    cameraId: string,
    upstream: Upstream,
    body: Buffer,
    baseUrl: string,
  ): ForwardedPlaylist {
    const text = body.toString('utf8');
    if (text.includes(TOKEN_SLOT)) throw new UpstreamError(502, 'upstream playlist is malformed');
    const variants: string[] = [];
    const map = (url: string, role: UriRole): string => {
      if (!upstream.contains(url)) {
        throw new PlaylistError('upstream playlist names a file on another host');
      }
      if (role.variant) variants.push(url);
      const name = this.refs.seal(cameraId, { url, kind: role.kind, blocking: role.blocking });
      return `${name}.${role.kind === 'playlist' ? 'm3u8' : extensionOf(url)}?token=${TOKEN_SLOT}`;
    };
    let rewritten: ReturnType<typeof rewritePlaylist>;
    try {
      rewritten = rewritePlaylist(text, baseUrl, map, { lowLatency: upstream.lowLatency });
    } catch (err) {
      if (err instanceof PlaylistError) throw new UpstreamError(502, err.message);
      throw err;
    }
    const { info } = rewritten;
    const ttlMs = info.master
      ? MASTER_TTL_MS
      : info.endList
        ? FINISHED_TTL_MS
        : (info.partTarget ?? info.targetDuration ?? 0) * 1000 * this.options.playlistCacheFraction;
    return {
      pieces: rewritten.text.split(TOKEN_SLOT),
      info,
      variants,
      expiresAt: Date.now() + ttlMs,
      bytes: rewritten.text.length * 2,
    };
  }

  private count(kind: 'playlist' | 'segment', source: Source): void {
    if (source === 'miss') {
      this.metrics.count(
        'citybrain_stream_cache_misses_total',
        'stream requests that needed an upstream fetch of their own',
        1,
        { kind },
      );
      return;
    }
    this.metrics.count(
      'citybrain_stream_cache_hits_total',
      'stream requests answered from memory, or by joining an upstream fetch under way (shared)',
      1,
      { kind, via: source === 'hit' ? 'memory' : 'shared' },
    );
  }
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UpstreamError(504, `camera upstream did not answer within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * The extension a forwarded media name gets: the upstream file's, for people reading a network
 * log; what the bytes are served as comes from upstream's answer.
 */
export function extensionOf(url: string): string {
  const ext = /\.([A-Za-z0-9]{2,6})$/.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return ext && MEDIA_EXTENSIONS.has(ext) ? ext : 'bin';
}

function fresh(state: { info: PlaylistInfo; at: number }): boolean {
  const ms = (state.info.targetDuration ?? 0) * 1000 * LIVE_STATE_FRESH_TARGETS;
  return Date.now() - state.at <= ms;
}

/** One live playlist, whatever LL-HLS directives a request for it carried. */
function liveKey(cameraId: string, url: string): string {
  const plain = new URL(url);
  for (const key of LL_HLS_PARAMS) plain.searchParams.delete(key);
  return `${cameraId}\n${plain.href}`;
}
