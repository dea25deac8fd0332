import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { createReadStream } from 'node:fs';
import { CLIP_ROLES, LOOP_ROLES, PLAYBACK_ROLES, TimestampSchema } from '../../shared/index.js';
import type { AuditTrail } from '../audit/audit.js';
import type { Auth, Principal } from '../auth/auth.js';
import { errorBody, HttpError } from '../http-error.js';
import { parse, requireUser } from '../http/middleware.js';
import type { Metrics } from '../metrics.js';
import type { ForwardedMedia, Forwarder } from './forwarder.js';
import type { PlaylistInfo } from './playlist.js';
import type { ClipExporter } from './clips.js';
import {
  playbackRange,
  rangeError,
  recordedScope,
  type Playback,
  type PlaybackLimits,
  type PlaybackRange,
} from './playback.js';
import type { RefSealer } from './refs.js';
import { UpstreamError } from './upstream.js';
import type { StreamTokens } from './tokens.js';
import type { Upstream } from './upstream.js';
import { moduleLog } from '../log.js';

const log = moduleLog('streams');

export interface StreamRoutesDeps {
  auth: Auth;
  tokens: StreamTokens;
  refs: RefSealer;
  forwarder: Forwarder;
  metrics: Metrics;
  /** Where each stream URL handed out is recorded. */
  audit: AuditTrail;
  /** A camera's upstream; throws an HttpError saying why there is none. */
  upstreamOf(cameraId: string): Upstream;
  /** Refuses a camera outside the asker's area (403), for its recordings. */
  checkCameraArea(principal: Principal, cameraId: string): void;
  /** A camera's recordings; throws an HttpError saying why there are none. */
  playbackOf(cameraId: string): Playback;
  playbackLimits: PlaybackLimits;
  /** The longest clip one export makes, in minutes. */
  maxClipMinutes: number;
  clips: ClipExporter;
}

/**
 * The only shape a stream path may have: a camera id and one file name of our own making. Checked
 * on the raw path, before any decoding, so encoded slashes, dot segments and doubled slashes
 * never reach the lookup.
 */
const STREAM_PATH =
  /^\/streams\/([A-Za-z0-9_.:-]{1,64})\/(index|[A-Za-z0-9_-]{20,2800})\.([a-z0-9]{2,6})$/;
/** Query parameters a player sends: our token and the LL-HLS blocking-reload directives. */
const QUERY_RULES: Record<string, RegExp> = {
  token: /^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{1,64}\.\d{1,15}\.[A-Za-z0-9_-]{1,64}$/,
  _HLS_msn: /^\d{1,15}$/,
  _HLS_part: /^\d{1,6}$/,
  _HLS_skip: /^(YES|v2)$/,
};

const LL_HLS_DIRECTIVES = ['_HLS_msn', '_HLS_part', '_HLS_skip'] as const;
/**
 * How far past the last listed segment a blocking reload may ask: the last segment plus two,
 * as RFC 8216bis 6.2.5.2 has servers refuse anything further (our `nextMsn` is that plus one).
 */
const MSN_AHEAD = 1;

/** What the client may say when asking for a stream URL: the screen it plays on, for the audit. */
const Screen = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,23}$/, 'a screen name: lowercase letters, digits, - or _')
  .optional();
const IssueBody = z.object({ screen: Screen });
/** A time range of recordings: ISO 8601 with an offset; the end defaults to the longest range. */
const RangeBody = z.object({
  start: TimestampSchema,
  end: TimestampSchema.optional(),
  screen: Screen,
});

/** Who a stream token is bound to: the session, or the wall device, that asked for it. */
export function holderOf(principal: Principal): string {
  return principal.sessionHash ?? principal.deviceTokenHash ?? `principal:${principal.id}`;
}

export interface StreamRoutes {
  router: Router;
  /**
   * The stream GETs alone, for the HTTP server to try before Express: segments are nearly all
   * the traffic, and through Express's routing and middleware they go at a third of the rate.
   * Answers and returns true for every GET under /streams/, returns false for anything else.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * `POST /api/v1/cameras/:id/stream` hands a signed-in user a stream URL for one camera;
 * `GET /streams/:cameraId/:file` serves that camera's rewritten playlists and its segments to
 * whoever holds the URL's token. The client names a camera and our own file names, never a URL.
 */
export function streamRoutes(deps: StreamRoutesDeps): StreamRoutes {
  const { tokens, refs, forwarder, metrics } = deps;
  const router = Router();

  router.post('/api/v1/cameras/:id/stream', requireUser(deps.auth, LOOP_ROLES), (req, res) => {
    const cameraId = req.params.id as string;
    if (!STREAM_PATH.test(`/streams/${cameraId}/index.m3u8`)) {
      throw new HttpError(404, 'no such camera');
    }
    // A sub-centre's screens play their own area's cameras only.
    deps.checkCameraArea(req.principal!, cameraId);
    const { screen } = parse(IssueBody, req.body ?? {});
    const upstream = deps.upstreamOf(cameraId);
    upstream.admit?.();
    const principal = req.principal!;
    const { token, expiresAt } = tokens.issue(cameraId, holderOf(principal));
    deps.audit.record({
      action: 'stream.issued',
      actor: principal.id,
      actorRole: principal.role,
      address: req.ip,
      cameraId,
      detail: { screen },
    });
    res.json({
      url: `/streams/${cameraId}/index.m3u8?token=${token}`,
      expiresAt: new Date(expiresAt).toISOString(),
    });
  });

  /** A camera whose recordings the principal may see: 404 for no camera, 403 outside its area. */
  const recordedCamera = (id: string, principal: Principal): string => {
    if (!STREAM_PATH.test(`/streams/${id}/index.m3u8`)) throw new HttpError(404, 'no such camera');
    deps.playbackOf(id);
    deps.checkCameraArea(principal, id);
    return id;
  };

  // Recordings (回放): a stream URL for a time range, its names sealed in the camera's recorded
  // scope so that they are fetched from the recordings' upstream.
  router.post(
    '/api/v1/cameras/:id/playback',
    requireUser(deps.auth, PLAYBACK_ROLES),
    async (req, res) => {
      const cameraId = recordedCamera(req.params.id as string, req.principal!);
      const body = parse(RangeBody, req.body ?? {});
      const playback = deps.playbackOf(cameraId);
      const range = playbackRange(body, Date.now(), deps.playbackLimits);
      const scope = recordedScope(cameraId);
      const url = playback.urlFor(range.start, range.end);
      // Fetched now (and cached for the player) so that an empty range is a clear refusal.
      await forwarder.playlist(scope, playback.upstream, url).catch((err: unknown) => {
        if (err instanceof UpstreamError && err.upstreamStatus === 404) {
          throw new HttpError(404, 'nothing recorded on this camera in that range', {
            code: 'nothing_recorded',
          });
        }
        throw err;
      });
      const principal = req.principal!;
      const { token, expiresAt } = tokens.issue(cameraId, holderOf(principal));
      deps.audit.record({
        action: 'stream.playback',
        actor: principal.id,
        actorRole: principal.role,
        address: req.ip,
        cameraId,
        detail: { screen: body.screen, ...isoRange(range) },
      });
      const name = refs.seal(scope, { url, kind: 'playlist', blocking: false });
      res.json({
        url: `/streams/${cameraId}/${name}.m3u8?token=${token}`,
        ...isoRange(range),
        expiresAt: new Date(expiresAt).toISOString(),
      });
    },
  );

  router.post('/api/v1/cameras/:id/clips', requireUser(deps.auth, CLIP_ROLES), async (req, res) => {
    const cameraId = recordedCamera(req.params.id as string, req.principal!);
    const body = parse(RangeBody, req.body ?? {});
    if (body.end === undefined) throw rangeError('end', 'a clip needs its end');
    const playback = deps.playbackOf(cameraId);
    const limits = { ...deps.playbackLimits, maxMinutes: deps.maxClipMinutes };
    const range = playbackRange(body, Date.now(), limits);
    const clip = await deps.clips.export(playback, range);
    // The asker left while the clip was being made: nothing was taken away.
    if (res.destroyed) return clip.remove();
    const principal = req.principal!;
    // A clip taken away is a view of the recording, and more: the trail says which and how much.
    deps.audit.record({
      action: 'clip.exported',
      actor: principal.id,
      actorRole: principal.role,
      address: req.ip,
      cameraId,
      detail: { screen: body.screen, ...isoRange(range), bytes: clip.bytes },
    });
    const stamp = (d: Date) => d.toISOString().replaceAll(/[-:]|\.\d{3}/g, '');
    res.writeHead(200, {
      'content-type': 'video/mp4',
      'content-length': clip.bytes,
      'content-disposition': `attachment; filename="${cameraId}_${stamp(range.start)}_${stamp(range.end)}.mp4"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    const file = createReadStream(clip.file);
    file.once('error', () => res.destroy());
    file.pipe(res);
    res.once('close', () => {
      file.destroy();
      clip.remove();
    });
  });

  // Synchronous up to the cache, so that a segment already in memory (the common case: one
  // viewer fetched it, the others follow) is answered without a trip through the event loop.
  const serve = (req: IncomingMessage, res: ServerResponse, next: (err: unknown) => void) => {
    const [path, query = ''] = (req.url ?? '').split('?', 2) as [string, string?];
    const match = STREAM_PATH.exec(path);
    if (!match || match[1]!.includes('..')) throw new HttpError(400, 'malformed stream path');
    const [, cameraId, name, extension] = match as unknown as [string, string, string, string];
    const params = streamQuery(query);
    // A name sealed in the camera's recorded scope is a file of its recordings.
    const live = name === 'index' ? undefined : refs.open(cameraId, name);
    const recorded =
      name === 'index' || live ? undefined : refs.open(recordedScope(cameraId), name);
    const scope = recorded ? recordedScope(cameraId) : cameraId;
    const upstream = recorded ? deps.playbackOf(cameraId).upstream : deps.upstreamOf(cameraId);
    const token = params.get('token') ?? undefined;
    const check = tokens.check(cameraId, token);
    if (!check.ok) throw new HttpError(check.status, check.error, { code: check.code });

    const ref =
      name === 'index'
        ? { url: upstream.entry, kind: 'playlist' as const, blocking: false }
        : (live ?? recorded);
    if (!ref || (ref.kind === 'playlist') !== (extension === 'm3u8')) {
      throw new HttpError(404, 'no such stream file');
    }

    if (ref.kind === 'media') {
      if (params.size > 1) throw new HttpError(400, 'segments take no parameters but the token');
      const cached = forwarder.cachedSegment(ref.url);
      if (cached) return served(metrics, sendMedia(req, res, cached), 'segment');
      forwarder
        .segment(upstream, ref.url, ref.blocking)
        .then((media) => served(metrics, sendMedia(req, res, media), 'segment'))
        .catch(next);
      return;
    }

    // Directives go only to an upstream that serves LL-HLS, and only within the bounds of what
    // its playlist has reached: a far-future one would park a request upstream for nothing.
    const asked = LL_HLS_DIRECTIVES.some((key) => params.has(key));
    const reload =
      asked && upstream.lowLatency
        ? forwarder
            .current(scope, upstream, ref.url)
            .then((info) => blockingReload(ref.url, params, info))
        : Promise.resolve({ url: ref.url, blocking: false });
    reload
      .then(({ url, blocking }) => forwarder.playlist(scope, upstream, url, blocking))
      .then((playlist) => {
        const body = Buffer.from(playlist.pieces.join(token!));
        res.writeHead(200, {
          'content-type': 'application/vnd.apple.mpegurl',
          'content-length': body.length,
          'cache-control': 'no-cache',
          'x-content-type-options': 'nosniff',
        });
        res.end(body);
        served(metrics, body.length, 'playlist');
      })
      .catch(next);
  };
  router.get('/streams/:cameraId/:file', (req, res, next) => serve(req, res, next));

  router.use('/streams', () => {
    throw new HttpError(400, 'malformed stream path');
  });
  router.use(streamErrors);

  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!req.url?.startsWith('/streams/') || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return false;
    }
    const fail = (err: unknown) => {
      if (!(err instanceof HttpError)) log.error({ err }, 'stream request failed');
      const answer = errorBody(err);
      const body = JSON.stringify(answer.body);
      res
        .writeHead(answer.status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        })
        .end(body);
    };
    try {
      serve(req, res, fail);
    } catch (err) {
      fail(err);
    }
    return true;
  };
  return { router, handle };
}

/**
 * The upstream URL of a blocking playlist reload, with the player's directives checked against
 * the playlist's current state (RFC 8216bis 6.2.5.2); a finished or master playlist has nothing
 * to wait for, so they are dropped.
 */
function blockingReload(
  playlistUrl: string,
  params: URLSearchParams,
  info: PlaylistInfo,
): { url: string; blocking: boolean } {
  if (info.master || info.endList || info.nextMsn === undefined) {
    return { url: playlistUrl, blocking: false };
  }
  const url = new URL(playlistUrl);
  const msn = params.get('_HLS_msn');
  const part = params.get('_HLS_part');
  const skip = params.get('_HLS_skip');
  if (part !== null && msn === null) {
    throw outOfRange('_HLS_part', '_HLS_part needs _HLS_msn');
  }
  if (msn !== null) {
    const limit = info.nextMsn + MSN_AHEAD;
    if (Number(msn) > limit) {
      throw outOfRange(
        '_HLS_msn',
        `_HLS_msn ${msn} is too far ahead: the stream has reached ${info.nextMsn - 1}, ` +
          `at most ${limit} may be waited for`,
      );
    }
    url.searchParams.set('_HLS_msn', msn);
  }
  if (part !== null) {
    const target = info.partTarget;
    if (!target) throw outOfRange('_HLS_part', '_HLS_part: this stream has no partial segments');
    // RFC 8216bis: at most the Advance Part Limit past the last part listed.
    const advance = target < 1 ? Math.floor(3 / target) : 3;
    const perSegment = Math.max(1, Math.ceil((info.targetDuration ?? target) / target));
    const last = info.lastPart ?? { msn: info.nextMsn, index: -1 };
    const ahead = (Number(msn) - last.msn) * perSegment + Number(part) - last.index;
    if (Number(part) > perSegment + advance || ahead > advance) {
      throw outOfRange(
        '_HLS_part',
        `_HLS_part ${part} is too far ahead: at most ${advance} parts past the last one listed`,
      );
    }
    url.searchParams.set('_HLS_part', part);
  }
  if (skip !== null) url.searchParams.set('_HLS_skip', skip);
  return { url: url.href, blocking: msn !== null };
}

function isoRange(range: PlaybackRange): { start: string; end: string } {
  return { start: range.start.toISOString(), end: range.end.toISOString() };
}

function outOfRange(name: string, message: string): HttpError {
  return new HttpError(400, message, {
    code: 'll_hls_param_out_of_range',
    fields: [{ path: name, message }],
  });
}

function streamQuery(query: string): URLSearchParams {
  const params = new URLSearchParams(query);
  const seen = new Set<string>();
  for (const [key, value] of params) {
    const rule = Object.hasOwn(QUERY_RULES, key) ? QUERY_RULES[key] : undefined;
    if (!rule || seen.has(key)) throw new HttpError(400, 'unexpected query parameter');
    if (!rule.test(value)) throw new HttpError(400, `malformed ${key}`);
    seen.add(key);
  }
  return params;
}

/**
 * Answers a whole file or one byte range of it (players fetch EXT-X-BYTERANGE media so);
 * returns the bytes sent. The length is always set: a body without one goes chunked, and its
 * separate last chunk meets delayed ACKs (tens of milliseconds per segment).
 */
function sendMedia(req: IncomingMessage, res: ServerResponse, media: ForwardedMedia): number {
  const headers = {
    'content-type': media.contentType,
    'cache-control': 'private, max-age=60',
    'accept-ranges': 'bytes',
    'x-content-type-options': 'nosniff',
  };
  const size = media.body.length;
  const range = req.headers.range;
  if (!range) {
    res.writeHead(200, { ...headers, 'content-length': size }).end(media.body);
    return size;
  }
  const m = /^bytes=(\d*)-(\d*)$/.exec(range);
  let start = m?.[1] ? Number(m[1]) : undefined;
  let end = m?.[2] ? Number(m[2]) : undefined;
  if (start === undefined && end !== undefined) [start, end] = [Math.max(0, size - end), size - 1];
  if (!m || start === undefined || start >= size || (end !== undefined && end < start)) {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return 0;
  }
  end = Math.min(end ?? size - 1, size - 1);
  res
    .writeHead(206, {
      ...headers,
      'content-range': `bytes ${start}-${end}/${size}`,
      'content-length': end + 1 - start,
    })
    .end(media.body.subarray(start, end + 1));
  return end + 1 - start;
}

function served(metrics: Metrics, bytes: number, kind: 'playlist' | 'segment'): void {
  metrics.count(
    'citybrain_stream_bytes_served_total',
    'bytes of playlists and segments the stream forwarder sent to viewers',
    bytes,
    { kind },
  );
}

/**
 * Stream errors carry messages written to be shown, upstream failures (502, 503, 504) included,
 * which the app's handler would hide as "internal error".
 */
const streamErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (!(err instanceof HttpError)) return next(err);
  const { status, body } = errorBody(err);
  res.status(status).json(body);
};
