import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { decodeTimeOf, shiftDecodeTime, splitCmaf, timescaleOf } from './cmaf.js';
import {
  LoopTimeline,
  renderLivePlaylist,
  renderVodPlaylist,
  type LiveSegment,
  type PartLayout,
} from './live-playlist.js';

export const DEFAULT_CLIPS_DIR = new URL('../../fixtures/video/', import.meta.url).pathname;

export type OriginState = 'online' | 'offline' | 'stale';

export interface DemoOriginOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Basic auth demanded of every request, admin calls included. */
  username?: string;
  password?: string;
  clipsDir?: string;
  /** Segments listed in each live playlist. */
  windowSize?: number;
  /**
   * The clips' 0.2 s fragments in each LL-HLS part (a segment's last part may have fewer): 1 cuts
   * as MediaMTX does by default; 2 (the default) gives parts of 0.4 s, half the requests for a
   * longer hold-back.
   */
  partFragments?: number;
  /** Cameras that do not start online. */
  initial?: ReadonlyMap<string, OriginState>;
  /** Sees every request path the origin answers, for tests and the benchmark to count. */
  onRequest?: (method: string, path: string) => void;
}

/** A clip as cut for HLS: one-second segments, each of parts of one or more 0.2 s fragments. */
interface Clip {
  id: string;
  init: Buffer;
  fragments: Buffer[];
  /** Seconds per part (a segment's last may be shorter). */
  partSeconds: number;
  /** Each segment's parts, each part's fragments by index into `fragments`. */
  segments: number[][][];
  durations: number[];
  /** Timestamp ticks a loop of the clip lasts: how far each loop's timestamps are moved on. */
  loopTicks: number;
}

interface Camera {
  clip: Clip;
  timeline: LoopTimeline;
  state: OriginState;
  /** A stale camera's clock stopped here. */
  frozenAt: number;
}

const CAMERA_PATH =
  /^\/(cam|vod)\/([A-Za-z0-9_.:-]{1,64})\/(index\.m3u8|init\.mp4|(\d{1,15})(?:\.(\d{1,3}))?\.m4s)$/;
/** The longest recording one VOD playlist covers, as NVRs cap a query. */
const MAX_VOD_MS = 6 * 3_600_000;
/** How far back the recorder reaches: whole days before the origin's start. */
const RECORDED_DAYS = 2;
/** Parts listed for the newest complete segments, besides those of the one in progress. */
const SEGMENTS_WITH_PARTS = 2;
const MAX_HOLD_TARGETS = 3;
const ADMIN_PATH = /^\/admin\/cameras\/([A-Za-z0-9_.:-]{1,64})\/(online|offline|stale)$/;

/**
 * The demo's stand-in for a centre's camera server: a live, looping Low-Latency HLS stream for
 * every demo camera, cut from the committed CMAF clips as MediaMTX cuts a camera's stream
 * (segments of a second, parts of 0.4 s, a preload hint, blocking playlist reloads), each camera
 * on its own clip and start offset. Players without low-latency mode read the same playlist as
 * plain HLS. Playlists follow wall-clock time (see LoopTimeline), and each loop's timestamps run
 * on from the last, so the origin keeps no per-viewer state. Cameras can be taken offline (503),
 * frozen (a playlist that stops advancing) and brought back, by config at start or by
 * `POST /admin/cameras/:id/offline|stale|online`.
 */
export class DemoOrigin {
  private readonly cameras = new Map<string, Camera>();
  private server: Server | undefined;
  private readonly windowSize: number;
  private readonly expectedAuth: Buffer | undefined;
  private baseUrl = '';

  constructor(
    private readonly cameraIds: readonly string[],
    private readonly options: DemoOriginOptions,
  ) {
    this.windowSize = options.windowSize ?? 6;
    this.expectedAuth =
      options.username === undefined
        ? undefined
        : Buffer.from(
            `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`,
          );
  }

  /** Where the origin listens, e.g. http://127.0.0.1:8090. */
  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<string> {
    const clips = await loadClips(
      this.options.clipsDir ?? DEFAULT_CLIPS_DIR,
      this.options.partFragments ?? 2,
    );
    // Sequences count from the start of the UTC day two days back, not from 1970: hls.js keeps
    // sparse arrays indexed by sequence numbers, and at the tens of millions that 1970 gives,
    // copying one held a page's main thread for seconds per player. The recordings reach back
    // to the epoch, so a day of playback is always there; origins started within the same day
    // answer the same playlist at the same moment.
    const epochMs = (Math.floor(Date.now() / 86_400_000) - RECORDED_DAYS) * 86_400_000;
    for (const id of this.cameraIds) {
      const digest = createHash('sha256').update(id).digest();
      const clip = clips[digest.readUInt32BE(0) % clips.length]!;
      const loopSeconds = clip.durations.reduce((a, b) => a + b, 0);
      // Whole parts: a part's bytes, and when it is complete, are the same for every camera.
      const offset =
        Math.floor(((digest.readUInt32BE(4) / 0x1_0000_0000) * loopSeconds) / clip.partSeconds) *
        clip.partSeconds;
      const state = this.options.initial?.get(id) ?? 'online';
      this.cameras.set(id, {
        clip,
        timeline: new LoopTimeline(clip.durations, offset, epochMs, true),
        state,
        frozenAt: Date.now(),
      });
    }
    const server = createServer((req, res) => this.answer(req, res));
    server.keepAliveTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, resolve);
    });
    const { port } = server.address() as AddressInfo;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    this.baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** The playlist URL of one camera, as a registry would name it. */
  playlistUrl(cameraId: string): string {
    return `${this.baseUrl}/cam/${cameraId}/index.m3u8`;
  }

  setState(cameraId: string, state: OriginState): boolean {
    const camera = this.cameras.get(cameraId);
    if (!camera) return false;
    if (state === 'stale' && camera.state !== 'stale') camera.frozenAt = Date.now();
    camera.state = state;
    return true;
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://origin');
    const path = url.pathname;
    this.options.onRequest?.(req.method ?? 'GET', path);
    if (this.expectedAuth && !this.authorised(req.headers.authorization)) {
      return reply(res, 401, 'authorisation required', { 'www-authenticate': 'Basic realm="nvr"' });
    }
    const admin = ADMIN_PATH.exec(path);
    if (admin && req.method === 'POST') {
      return this.setState(admin[1]!, admin[2] as OriginState)
        ? reply(res, 204, '')
        : reply(res, 404, 'no such camera');
    }
    const match = CAMERA_PATH.exec(path);
    if (!match || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return reply(res, 404, 'not found');
    }
    const [, tree, cameraId, file, msnText, partText] = match as unknown as [
      string,
      'cam' | 'vod',
      string,
      string,
      string | undefined,
      string | undefined,
    ];
    const camera = this.cameras.get(cameraId);
    if (!camera) return reply(res, 404, 'no such camera');
    const { clip, timeline } = camera;
    // The recorder is another box than the camera: recordings play while a camera is down.
    if (tree === 'vod') return this.answerVod(res, camera, file, msnText, partText, url);
    if (camera.state === 'offline') return reply(res, 503, 'camera offline');
    const target = Math.ceil(Math.max(...clip.durations));
    const now = () => (camera.state === 'stale' ? camera.frozenAt : Date.now());

    if (file === 'index.m3u8') {
      const blocking = blockingDirective(url.searchParams);
      if (blocking === 'malformed') return reply(res, 400, 'malformed _HLS_msn or _HLS_part');
      const send = (at = now()) =>
        reply(res, 200, this.playlist(camera, at), {
          'content-type': 'application/vnd.apple.mpegurl',
          'cache-control': blocking ? 'max-age=6' : 'no-cache',
        });
      if (!blocking) return send();
      const part =
        blocking.part === undefined
          ? undefined
          : { index: blocking.part, partSeconds: clip.partSeconds };
      const readyAt = timeline.completeAt(blocking.msn, part);
      const readyIn = readyAt - now();
      // As the spec asks: a directive more than two segments past the newest is refused.
      if (readyIn > (2 + 1) * target * 1000) {
        return reply(res, 400, 'the asked-for segment is too far in the future');
      }
      // A frozen camera's clock does not reach the part: hold as long as a server would, then
      // answer what there is.
      // Timers may fire a millisecond before the wall clock reaches the part: the answer is
      // the playlist as of the part's completion at the earliest.
      return hold(res, Math.min(readyIn, MAX_HOLD_TARGETS * target * 1000), () =>
        send(camera.state === 'stale' ? now() : Math.max(now(), readyAt)),
      );
    }
    if (file === 'init.mp4') return media(res, clip.init);

    const msn = Number(msnText);
    const current = timeline.current(now());
    if (msn < current - 2 * this.windowSize) return reply(res, 404, 'segment not available');
    const parts = clip.segments[timeline.segment(msn).clipIndex]!;
    if (partText === undefined) {
      // Complete segments only.
      if (msn >= current) return reply(res, 404, 'segment not available');
      return media(res, segmentBytes(clip, msn, parts.flat()));
    }
    const index = Number(partText);
    if (index >= parts.length) return reply(res, 404, 'no such part');
    const readyIn = timeline.completeAt(msn, { index, partSeconds: clip.partSeconds }) - now();
    // A preload hint names the part being recorded: answered the moment it is complete.
    if (readyIn > target * 1000 || (readyIn > 0 && camera.state === 'stale')) {
      return reply(res, 404, 'part not available');
    }
    return hold(res, readyIn, () => media(res, segmentBytes(clip, msn, parts[index]!)));
  }

  /**
   * The recorder (`/vod/`): a VOD playlist of any range since the epoch up to the last complete
   * segment (`index.m3u8?start=…&end=…`, ISO 8601), and its segments, whole only. Segments and
   * their dates are the live stream's, so a time played back shows what was live at that time.
   */
  private answerVod(
    res: ServerResponse,
    camera: Camera,
    file: string,
    msnText: string | undefined,
    partText: string | undefined,
    url: URL,
  ): void {
    const { clip, timeline } = camera;
    const current = timeline.current(Date.now());
    if (file === 'init.mp4') return media(res, clip.init);
    if (file !== 'index.m3u8') {
      const msn = Number(msnText);
      if (partText !== undefined || msn >= current) {
        return reply(res, 404, 'segment not recorded');
      }
      const parts = clip.segments[timeline.segment(msn).clipIndex]!;
      return media(res, segmentBytes(clip, msn, parts.flat()));
    }
    const start = Date.parse(url.searchParams.get('start') ?? '');
    const end = Date.parse(url.searchParams.get('end') ?? '');
    if (Number.isNaN(start) || Number.isNaN(end) || end <= start) {
      return reply(res, 400, 'start and end must be ISO 8601 times, start before end');
    }
    if (end - start > MAX_VOD_MS) return reply(res, 400, 'at most 6 hours per playlist');
    const first = Math.max(0, timeline.current(start));
    const last = Math.min(timeline.current(end - 1), current - 1);
    if (last < first) {
      return reply(res, 404, 'nothing recorded in that range');
    }
    const segments = Array.from({ length: last - first + 1 }, (_, i) =>
      timeline.segment(first + i),
    );
    return reply(
      res,
      200,
      renderVodPlaylist(segments, (s) => `${s.msn}.m4s`, 'init.mp4'),
      {
        'content-type': 'application/vnd.apple.mpegurl',
        'cache-control': 'no-cache',
      },
    );
  }

  private playlist(camera: Camera, nowMs: number): string {
    const { clip, timeline } = camera;
    const window = timeline.window(nowMs, this.windowSize, clip.partSeconds);
    const parts: PartLayout = {
      partTarget: clip.partSeconds,
      partsOf: (clipIndex) => clip.segments[clipIndex]!.length,
      partUri: (s: LiveSegment, k) => `${s.msn}.${k}.m4s`,
      initUri: 'init.mp4',
      segmentsWithParts: SEGMENTS_WITH_PARTS,
    };
    return renderLivePlaylist(window, (s) => `${s.msn}.m4s`, parts);
  }

  private authorised(header: string | undefined): boolean {
    const given = Buffer.from(header ?? '');
    return given.length === this.expectedAuth!.length && timingSafeEqual(given, this.expectedAuth!);
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    ...headers,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Answers after `ms` (at once if not positive), unless the client has gone meanwhile. */
function hold(res: ServerResponse, ms: number, answer: () => void): void {
  if (ms <= 0) return answer();
  const timer = setTimeout(() => {
    if (!res.destroyed) answer();
  }, ms);
  res.once('close', () => clearTimeout(timer));
}

/** A segment's (or part's) fragments, their timestamps moved on by the loops before it. */
function segmentBytes(clip: Clip, msn: number, fragments: readonly number[]): Buffer {
  const loopTicks = Math.floor(msn / clip.segments.length) * clip.loopTicks;
  return Buffer.concat(fragments.map((f) => shiftDecodeTime(clip.fragments[f]!, loopTicks)));
}

function media(res: ServerResponse, bytes: Buffer): void {
  reply(res, 200, bytes, { 'content-type': 'video/mp4', 'cache-control': 'max-age=3600' });
}

/** `_HLS_msn` (and `_HLS_part`) of a blocking playlist reload, if the request has them. */
function blockingDirective(
  params: URLSearchParams,
): { msn: number; part?: number } | 'malformed' | undefined {
  const msn = params.get('_HLS_msn');
  const part = params.get('_HLS_part');
  if (msn === null) return part === null ? undefined : 'malformed';
  if (!/^\d{1,15}$/.test(msn) || (part !== null && !/^\d{1,3}$/.test(part))) return 'malformed';
  return { msn: Number(msn), ...(part === null ? {} : { part: Number(part) }) };
}

async function loadClips(dir: string, partFragments: number): Promise<Clip[]> {
  const index = JSON.parse(await readFile(join(dir, 'clips.json'), 'utf8')) as {
    id: string;
    fps: number;
    segmentFrames: number;
    partFrames: number;
  }[];
  return Promise.all(
    index.map(async ({ id, fps, segmentFrames, partFrames }) => {
      const { init, fragments } = splitCmaf(await readFile(join(dir, `${id}.mp4`)));
      const fragmentSeconds = partFrames / fps;
      const perSegment = segmentFrames / partFrames;
      const segments: number[][][] = [];
      for (let i = 0; i < fragments.length; i += perSegment) {
        const parts: number[][] = [];
        const end = Math.min(i + perSegment, fragments.length);
        for (let k = i; k < end; k += partFragments) {
          parts.push(Array.from({ length: Math.min(partFragments, end - k) }, (_, j) => k + j));
        }
        segments.push(parts);
      }
      const timescale = timescaleOf(init);
      return {
        id,
        init,
        fragments,
        partSeconds: fragmentSeconds * partFragments,
        segments,
        durations: segments.map((s) => Math.round(s.flat().length * fragmentSeconds * 1000) / 1000),
        // The first fragment's time plus the clip's length: where the next loop starts.
        loopTicks:
          decodeTimeOf(fragments[0]!) + Math.round(fragments.length * fragmentSeconds * timescale),
      };
    }),
  );
}
