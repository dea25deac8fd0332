import { z } from 'zod';

/**
 * Camera streaming: where the camera registry is, how long stream tokens live, how the forwarder
 * treats its upstreams, and the demo camera origin. Merged into the server config as `streams`.
 */
export const StreamsConfigSchema = z.object({
  /**
   * The camera registry (JSON, see the README): camera id -> HLS or RTSP upstream. Without it, the
   * demo maps every camera to the demo origin and production has no video.
   */
  registryFile: z.string().min(1).optional(),
  /** Signs stream tokens; set it to keep tokens valid across restarts and server processes. */
  tokenSecret: z.string().min(32, 'at least 32 characters').optional(),
  /** How long a stream URL may wait before its first use. */
  tokenTtlSeconds: z.number().int().min(1).max(3600).default(60),
  /** A token in use stays valid until its player has been silent this long. */
  viewerIdleSeconds: z.number().int().min(1).max(600).default(20),
  /**
   * However busy its player, a token is refused this long after it was issued: a URL copied out
   * of a browser does not play for weeks, and the player asks for a new one (with a session that
   * is still valid). Fractions are allowed, for tests.
   */
  tokenMaxLifetimeMinutes: z
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(240),
  /** Per upstream request, for playlists and segments. */
  upstreamTimeoutMs: z.number().int().min(100).max(60_000).default(5_000),
  /** For LL-HLS blocking playlist reloads and preload hints, which upstream holds on purpose. */
  blockingTimeoutMs: z.number().int().min(1_000).max(60_000).default(12_000),
  /** Memory for cached segments, least recently used out first. */
  segmentCacheMb: z.number().positive().max(16_384).default(256),
  /** A playlist is reused for this fraction of its target (or part target) duration. */
  playlistCacheFraction: z.number().min(0).max(1).default(0.5),
  health: z
    .object({
      /** Every camera is probed about once per interval. */
      intervalSeconds: z.number().min(1).max(600).default(10),
      /** Upstream probes in flight at once, across all cameras. */
      concurrency: z.number().int().min(1).max(64).default(8),
      timeoutMs: z.number().int().min(100).max(30_000).default(3_000),
    })
    .prefault({}),
  /** How far back recordings may be played or exported (by rule, NVRs keep 30 days). */
  playbackDays: z.number().int().min(1).max(3650).default(30),
  /** The longest range one playback playlist covers; a player asks again for the next. */
  maxPlaybackMinutes: z.number().int().min(1).max(360).default(60),
  /** The longest clip one export makes. */
  maxClipMinutes: z.number().int().min(1).max(360).default(30),
  /** Clip exports running at once (each reads a recording and runs ffmpeg). */
  maxClipExports: z.number().int().min(1).max(16).default(2),
  /** ffmpeg for RTSP cameras and clip exports; found on PATH when not set. */
  ffmpegPath: z.string().min(1).optional(),
  /** TCP (interleaved) passes firewalls and loses nothing; some old NVRs only do UDP. */
  rtspTransport: z.enum(['tcp', 'udp']).default('tcp'),
  /** An RTSP transmux stops after no viewer has asked for it this long. */
  rtspIdleSeconds: z.number().int().min(5).max(3600).default(30),
  /**
   * ffmpeg transmuxes running at once, each a process with its own memory and a camera
   * connection; a viewer that would start one more is refused (503) until one stops.
   */
  maxRtspSessions: z.number().int().min(1).max(1024).default(16),
  /** The demo camera origin, standing in for a centre's NVR (demo mode only). */
  demoOrigin: z
    .object({
      host: z.string().min(1).default('127.0.0.1'),
      /** 0 picks a free port. */
      port: z.number().int().min(0).max(65535).default(8090),
      /** Basic auth the origin demands, proving credentials reach upstream and go no further. */
      username: z.string().min(1).default('nvr'),
      password: z.string().min(1).default('citybrain-nvr-demo'),
      /** Cameras the origin starts with down (503) or frozen (a playlist that stops advancing). */
      offline: z.array(z.string()).default([]),
      stale: z.array(z.string()).default([]),
      /**
       * 0.2 s fragments to an LL-HLS part: 1 (0.2 s parts, MediaMTX's default) to 5 (whole
       * segments). Parts of 0.4 s: a wall of sixteen 0.2 s players stalls (docs/BENCHMARKS.md).
       */
      partFragments: z.number().int().min(1).max(5).default(2),
    })
    .prefault({}),
});
export type StreamsConfig = z.infer<typeof StreamsConfigSchema>;
