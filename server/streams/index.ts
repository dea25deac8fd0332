import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Router } from 'express';
import type { Camera, CameraStatus } from '../../shared/index.js';
import { NO_AUDIT, type AuditTrail } from '../audit/audit.js';
import type { Auth, Principal } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import type { Metrics } from '../metrics.js';
import type { StreamsConfig } from './config.js';
import { DemoOrigin, type OriginState } from './demo-origin.js';
import { Forwarder } from './forwarder.js';
import { HealthWatcher, type Probe } from './health.js';
import { RefSealer } from './refs.js';
import { ClipExporter } from './clips.js';
import type { Playback } from './playback.js';
import {
  buildRegistry,
  loadRegistryFile,
  playbackUrl,
  type PlaybackSource,
  type Registry,
} from './registry.js';
import { streamRoutes } from './routes.js';
import { findFfmpeg, rtspAnswers, RtspSessions } from './rtsp.js';
import { StreamTokens } from './tokens.js';
import { HttpUpstream, type Upstream } from './upstream.js';
import { moduleLog } from '../log.js';

const log = moduleLog('streams');

export type { StreamsConfig } from './config.js';
export { StreamsConfigSchema } from './config.js';

export interface StreamsDeps {
  config: StreamsConfig;
  /** Demo mode: without a registry file, every camera streams from the demo origin. */
  demo: boolean;
  /**
   * The city's cameras, each with the status the dashboard shows now (the board's, not the
   * fixture's), so that only real changes are reported.
   */
  cameras: readonly Camera[];
  auth: Auth;
  metrics: Metrics;
  /** Records each stream URL handed out; nothing is recorded without it. */
  audit?: AuditTrail;
  /**
   * Refuses a camera outside the area of whoever asks (a sub-centre's users and walls see their
   * own area's recordings only); every camera passes when not given.
   */
  checkCameraArea?(principal: Principal, cameraId: string): void;
  /** Called once per camera status change the health watch sees. */
  reportStatus(cameraId: string, status: CameraStatus): Promise<void>;
}

export interface Streams {
  /** Mount at the app's root: it answers /api/v1/cameras/:id/stream and /streams/*. */
  router: Router;
  /** The /streams/ GETs without Express, for the HTTP server to try first (see routes.ts). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Ends every stream URL handed to one session or wall device: pass the ended session's
   * `sessionHash` or the removed device token's `deviceTokenHash` (see `Principal`). Its players
   * are refused (401 `stream_token_revoked`) from their next request on.
   */
  revokeHolder(holder: string): void;
  /** The demo origin, while it runs (demo mode without a registry file). */
  readonly origin: DemoOrigin | undefined;
}

const GAUGE_EVERY_MS = 2_000;

/**
 * Camera video for the dashboard: forwards each camera's upstream HLS (or RTSP, transmuxed on
 * demand) to browsers holding a short-lived per-camera token, and watches every camera's health.
 */
export function createStreams(deps: StreamsDeps): Streams {
  const { config, metrics } = deps;
  const secret = config.tokenSecret ? Buffer.from(config.tokenSecret) : randomBytes(32);
  const tokens = new StreamTokens(secret, {
    ttlMs: config.tokenTtlSeconds * 1000,
    idleMs: config.viewerIdleSeconds * 1000,
    maxLifetimeMs: config.tokenMaxLifetimeMinutes * 60_000,
  });
  const refs = new RefSealer(secret);
  const forwarder = new Forwarder(refs, metrics, {
    timeoutMs: config.upstreamTimeoutMs,
    blockingTimeoutMs: config.blockingTimeoutMs,
    segmentCacheBytes: config.segmentCacheMb * 1024 * 1024,
    playlistCacheFraction: config.playlistCacheFraction,
  });
  const workDir = join(tmpdir(), `citybrain-rtsp-${process.pid}`);
  const ffmpeg = findFfmpeg(config.ffmpegPath);
  const clips = new ClipExporter(forwarder, {
    ffmpeg,
    workDir: join(workDir, 'clips'),
    maxRunning: config.maxClipExports,
  });
  const rtsp = new RtspSessions({
    ffmpeg,
    workDir,
    idleMs: config.rtspIdleSeconds * 1000,
    transport: config.rtspTransport,
    maxSessions: config.maxRtspSessions,
    onChange: (running) =>
      metrics.gauge('citybrain_stream_rtsp_sessions', 'RTSP transmuxes running', running),
  });
  const cameraIds = deps.cameras.map((c) => c.id);
  const known = new Set(cameraIds);
  /** Cameras that ever had a viewer: only they get a viewers series, not all 648. */
  const watched = new Set<string>();
  const upstreams = new Map<string, Upstream>();
  const playbacks = new Map<string, Playback>();
  let registry: Registry | undefined;
  let origin: DemoOrigin | undefined;
  let health: HealthWatcher | undefined;
  let gauges: NodeJS.Timeout | undefined;

  const upstreamOf = (cameraId: string): Upstream => {
    if (!registry) throw new HttpError(503, 'camera streams are starting');
    const upstream = upstreams.get(cameraId);
    if (upstream) {
      if (registry.get(cameraId)?.kind === 'rtsp' && !rtsp.available) {
        throw new HttpError(503, 'RTSP camera needs ffmpeg, which this server does not have');
      }
      return upstream;
    }
    if (!known.has(cameraId)) throw new HttpError(404, 'no such camera');
    throw new HttpError(503, 'no video source is configured for this camera');
  };

  const playbackOf = (cameraId: string): Playback => {
    if (!registry) throw new HttpError(503, 'camera streams are starting');
    const playback = playbacks.get(cameraId);
    if (playback) return playback;
    if (!known.has(cameraId)) throw new HttpError(404, 'no such camera');
    throw new HttpError(404, 'no recordings are configured for this camera', {
      code: 'no_playback',
    });
  };

  /**
   * Each camera's first variant once its master playlist named it: later probes ask for the
   * variant alone, one upstream request instead of two; a failure there reads the master again.
   */
  const probedVariant = new Map<string, string>();
  const probe = async (cameraId: string): Promise<Probe> => {
    const source = registry?.get(cameraId);
    const upstream = upstreams.get(cameraId);
    const timeoutMs = config.health.timeoutMs;
    if (!source || !upstream) return { ok: false };
    if (source.kind === 'rtsp') {
      return { ok: rtsp.available && (await rtspAnswers(source.url, timeoutMs)) };
    }
    const inspect = (url: string) => forwarder.inspect(cameraId, upstream, url, timeoutMs);
    const known = probedVariant.get(cameraId);
    let playlist;
    if (known) {
      playlist = await inspect(known).catch((err: unknown) => {
        probedVariant.delete(cameraId);
        throw err;
      });
    } else {
      playlist = await inspect(upstream.entry);
      const variant = playlist.info.master ? playlist.variants[0] : undefined;
      if (variant) {
        playlist = await inspect(variant);
        probedVariant.set(cameraId, variant);
      }
    }
    const { nextMsn, targetDuration, endList } = playlist.info;
    return { ok: true, nextMsn, targetDuration, endList };
  };

  const updateGauges = (): void => {
    const viewers = tokens.viewers();
    for (const id of cameraIds) {
      const n = viewers.get(id) ?? 0;
      if (n > 0 || watched.has(id)) {
        watched.add(id);
        metrics.gauge('citybrain_stream_viewers', 'active stream viewers', n, { camera: id });
      }
    }
    for (const [status, n] of Object.entries(health?.counts() ?? {})) {
      metrics.gauge('citybrain_cameras', 'cameras by health status', n, { status });
    }
  };

  const routes = streamRoutes({
    auth: deps.auth,
    tokens,
    refs,
    forwarder,
    metrics,
    audit: deps.audit ?? NO_AUDIT,
    upstreamOf,
    playbackOf,
    checkCameraArea: deps.checkCameraArea ?? (() => undefined),
    playbackLimits: { days: config.playbackDays, maxMinutes: config.maxPlaybackMinutes },
    maxClipMinutes: config.maxClipMinutes,
    clips,
  });
  return {
    router: routes.router,
    handle: routes.handle,
    revokeHolder: (holder) => tokens.revoke(holder),
    get origin() {
      return origin;
    },

    async start() {
      let loaded: ReturnType<typeof buildRegistry>;
      if (config.registryFile) {
        loaded = loadRegistryFile(config.registryFile, cameraIds);
      } else if (deps.demo) {
        origin = await startDemoOrigin(config, cameraIds);
        const { username, password } = config.demoOrigin;
        const hls = `${origin.url}/cam/{id}/index.m3u8`;
        // The demo origin serves Low-Latency HLS, as MediaMTX does, and recordings as an NVR.
        const playback = {
          hls: `${origin.url}/vod/{id}/index.m3u8?start={start}&end={end}`,
          ...{ username, password },
        };
        loaded = buildRegistry(
          { template: { hls, username, password, lowLatency: true, playback } },
          cameraIds,
        );
      } else {
        loaded = buildRegistry({}, cameraIds);
        log.warn('no camera registry configured (streams.registryFile): no video');
      }
      if (loaded.unknownIds.length) {
        log.warn(
          `registry names ${loaded.unknownIds.length} cameras the city does not have, ` +
            `e.g. ${loaded.unknownIds.slice(0, 3).join(', ')}`,
        );
      }
      let rtspCount = 0;
      for (const [id, source] of loaded.registry) {
        if (source.kind === 'hls') {
          upstreams.set(id, new HttpUpstream(source.url, source.headers, source.lowLatency));
        } else {
          rtspCount++;
          upstreams.set(id, rtsp.upstream(id, source.url));
        }
        if (source.playback) playbacks.set(id, recordings(source.playback));
      }
      if (rtspCount && !rtsp.available) {
        log.warn(
          `${rtspCount} RTSP cameras cannot play: ffmpeg not found ` +
            '(install it or set streams.ffmpegPath)',
        );
      }
      registry = loaded.registry;
      rtsp.start();
      health = new HealthWatcher(deps.cameras, probe, deps.reportStatus, {
        intervalMs: config.health.intervalSeconds * 1000,
        concurrency: config.health.concurrency,
      });
      health.start();
      gauges = setInterval(updateGauges, GAUGE_EVERY_MS);
      gauges.unref();
    },

    async stop() {
      clearInterval(gauges);
      await health?.stop();
      await rtsp.stop();
      rmSync(workDir, { recursive: true, force: true });
      await origin?.stop();
      origin = undefined;
    },
  };
}

function recordings(source: PlaybackSource): Playback {
  // Any range's URL has the template's origin: the upstream lets nothing else be fetched.
  const sample = playbackUrl(source, new Date(0), new Date(60_000));
  return {
    upstream: new HttpUpstream(sample, source.headers),
    urlFor: (start, end) => playbackUrl(source, start, end),
  };
}

async function startDemoOrigin(config: StreamsConfig, cameraIds: readonly string[]) {
  const { host, port, username, password, offline, stale, partFragments } = config.demoOrigin;
  const initial = new Map<string, OriginState>();
  for (const id of stale) initial.set(id, 'stale');
  for (const id of offline) initial.set(id, 'offline');
  const origin = new DemoOrigin(cameraIds, {
    ...{ host, port, username, password, initial, partFragments },
  });
  await origin.start();
  return origin;
}
