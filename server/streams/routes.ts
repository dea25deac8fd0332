import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router, type ErrorRequestHandler } from 'express';
import type { Auth } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import { requireUser } from '../http/middleware.js';
import type { Metrics } from '../metrics.js';
import type { ForwardedMedia, Forwarder } from './forwarder.js';
import type { RefSealer } from './refs.js';
import type { StreamTokens } from './tokens.js';
import type { Upstream } from './upstream.js';

export interface StreamRoutesDeps {
  auth: Auth;
  tokens: StreamTokens;
  refs: RefSealer;
  forwarder: Forwarder;
  metrics: Metrics;
  /** A camera's upstream; throws an HttpError saying why there is none. */
  upstreamOf(cameraId: string): Upstream;
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
  token: /^[A-Za-z0-9_-]{1,64}\.\d{1,12}\.[A-Za-z0-9_-]{1,64}$/,
  _HLS_msn: /^\d{1,15}$/,
  _HLS_part: /^\d{1,6}$/,
  _HLS_skip: /^(YES|v2)$/,
};

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

  router.post('/api/v1/cameras/:id/stream', requireUser(deps.auth), (req, res) => {
    const cameraId = req.params.id as string;
    if (!STREAM_PATH.test(`/streams/${cameraId}/index.m3u8`)) {
      throw new HttpError(404, 'no such camera');
    }
    deps.upstreamOf(cameraId);
    const { token, expiresAt } = tokens.issue(cameraId);
    res.json({
      url: `/streams/${cameraId}/index.m3u8?token=${token}`,
      expiresAt: new Date(expiresAt).toISOString(),
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
    const upstream = deps.upstreamOf(cameraId);
    const token = params.get('token') ?? undefined;
    const check = tokens.check(cameraId, token);
    if (!check.ok) throw new HttpError(check.status, check.error);

    const ref =
      name === 'index'
        ? { url: upstream.entry, kind: 'playlist' as const, blocking: false }
        : refs.open(cameraId, name);
    if (!ref || (ref.kind === 'playlist') !== (extension === 'm3u8')) {
      throw new HttpError(404, 'no such stream file');
    }

    if (ref.kind === 'media') {
      if (params.size > 1) throw new HttpError(400, 'segments take no parameters but the token');
      const cached = forwarder.cachedSegment(ref.url);
      if (cached) return served(metrics, sendMedia(req, res, cached), 'segment');
      forwarder
        .segment(upstream, ref.url, ref.blocking, extension)
        .then((media) => served(metrics, sendMedia(req, res, media), 'segment'))
        .catch(next);
      return;
    }

    const url = new URL(ref.url);
    let blocking = false;
    for (const key of ['_HLS_msn', '_HLS_part', '_HLS_skip']) {
      const value = params.get(key);
      if (value === null) continue;
      url.searchParams.set(key, value);
      blocking ||= key !== '_HLS_skip';
    }
    forwarder
      .playlist(cameraId, upstream, url.href, blocking)
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
      const known = err instanceof HttpError;
      if (!known) console.error(err);
      const body = JSON.stringify({ error: known ? err.message : 'internal error' });
      res
        .writeHead(known ? err.status : 500, {
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
  res.status(err.status).json({ error: err.message });
};
