import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { LoopTimeline, renderLivePlaylist } from './live-playlist.js';

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
  /** Cameras that do not start online. */
  initial?: ReadonlyMap<string, OriginState>;
  /** Sees every request path the origin answers, for tests and the benchmark to count. */
  onRequest?: (method: string, path: string) => void;
}

interface Clip {
  id: string;
  durations: number[];
  segments: Buffer[];
}

interface Camera {
  clip: Clip;
  timeline: LoopTimeline;
  state: OriginState;
  /** A stale camera's clock stopped here. */
  frozenAt: number;
}

const CAMERA_PATH = /^\/cam\/([A-Za-z0-9_.:-]{1,64})\/(index\.m3u8|(\d{1,15})\.ts)$/;
const ADMIN_PATH = /^\/admin\/cameras\/([A-Za-z0-9_.:-]{1,64})\/(online|offline|stale)$/;

/**
 * The demo's stand-in for a centre's NVR: a live, looping HLS stream for every demo camera, cut
 * from the committed clips, each camera on its own clip and start offset. Playlists follow
 * wall-clock time (see LoopTimeline), so the origin keeps no per-viewer state. Cameras can be
 * taken offline (503), frozen (a playlist that stops advancing) and brought back, by config at
 * start or by `POST /admin/cameras/:id/offline|stale|online`.
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
    const clips = await loadClips(this.options.clipsDir ?? DEFAULT_CLIPS_DIR);
    // Sequences count from the hour the origin started, not from 1970: hls.js keeps a sparse array
    // indexed by discontinuity sequence, and at the tens of millions that 1970 gives, copying it
    // held a page's main thread for seconds per player. Origins started within the same hour
    // still answer the same playlist at the same moment.
    const epochMs = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    for (const id of this.cameraIds) {
      const digest = createHash('sha256').update(id).digest();
      const clip = clips[digest.readUInt32BE(0) % clips.length]!;
      const loopSeconds = clip.durations.reduce((a, b) => a + b, 0);
      const offset = (digest.readUInt32BE(4) / 0x1_0000_0000) * loopSeconds;
      const state = this.options.initial?.get(id) ?? 'online';
      this.cameras.set(id, {
        clip,
        timeline: new LoopTimeline(clip.durations, offset, epochMs),
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
    const path = (req.url ?? '/').split('?', 1)[0]!;
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
    const camera = this.cameras.get(match[1]!);
    if (!camera) return reply(res, 404, 'no such camera');
    if (camera.state === 'offline') return reply(res, 503, 'camera offline');
    const now = camera.state === 'stale' ? camera.frozenAt : Date.now();

    if (match[3] === undefined) {
      const window = camera.timeline.window(now, this.windowSize);
      const body = renderLivePlaylist(window, (s) => `${s.msn}.ts`);
      return reply(res, 200, body, {
        'content-type': 'application/vnd.apple.mpegurl',
        'cache-control': 'max-age=1',
      });
    }
    const msn = Number(match[3]);
    const current = camera.timeline.current(now);
    // Complete segments only, and only as far back as a lagging player may still ask.
    if (msn >= current || msn < current - 2 * this.windowSize) {
      return reply(res, 404, 'segment not available');
    }
    const bytes = camera.clip.segments[camera.timeline.segment(msn).clipIndex]!;
    reply(res, 200, bytes, { 'content-type': 'video/mp2t', 'cache-control': 'max-age=3600' });
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

async function loadClips(dir: string): Promise<Clip[]> {
  const index = JSON.parse(await readFile(join(dir, 'clips.json'), 'utf8')) as {
    id: string;
    durations: number[];
  }[];
  return Promise.all(
    index.map(async ({ id, durations }) => ({
      id,
      durations,
      segments: await Promise.all(
        durations.map((_, i) => readFile(join(dir, id, `seg-${String(i).padStart(3, '0')}.ts`))),
      ),
    })),
  );
}
