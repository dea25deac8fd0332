import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { moduleLog } from '../log.js';
import { CLIENT_CLOSED, type Metrics } from '../metrics.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** This request's id: the caller's X-Request-Id when sane, else a fresh one; sent back. */
    requestId?: string;
  }
}

const httpLog = moduleLog('http');

/** An incoming X-Request-Id is kept only if it is this: no line break, quote or payload. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Express requests whose line is kept at debug: the web app's files, the basemap's tiles (a
 * hundred for one look at the map), the scrapes of /metrics and /api/health, and positions
 * (every phone on duty every 30 s, a patrol feed every few seconds), which say nothing about
 * what people did. Everything else under /api/ is a line at info.
 */
const QUIET_API = ['/api/health', '/api/v1/patrols/positions', '/api/v1/field/position'];
const quiet = (req: Request) =>
  !req.originalUrl.startsWith('/api/') ||
  QUIET_API.some((path) => req.originalUrl.startsWith(path));

/**
 * One line per request once its answer is done, with its id, method, route pattern, status,
 * duration and user, and the same in `citybrain_http_request_duration_seconds`. Mounted first,
 * so that it times the whole request and every answer carries X-Request-Id.
 *
 * The route is the pattern that matched (`/api/v1/incidents/:id`), never the URL: a URL can carry
 * a stream token in its query or an id in its path, and raw URLs would make a series per
 * incident. The user is the principal's id (`duty`, `device:wall-1`), known once auth has run.
 */
export function requestLog(metrics: Metrics, log: Logger = httpLog): RequestHandler {
  return (req, res, next) => {
    const start = performance.now();
    const incoming = req.headers['x-request-id'];
    const id =
      typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.requestId = id;
    res.setHeader('X-Request-Id', id);
    const routeOf = trackRoute(req);
    // 'close' rather than 'finish': it also comes when the client leaves before the answer.
    res.once('close', () => {
      const seconds = (performance.now() - start) / 1000;
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      const route = routeOf(status);
      metrics.observeHttp(req.method, route, status, seconds);
      const level = status >= 500 ? 'error' : quiet(req) ? 'debug' : 'info';
      if (!log.isLevelEnabled(level)) return;
      const durationMs = Math.round(seconds * 1e4) / 10;
      log[level](
        {
          reqId: id,
          method: req.method,
          route,
          status,
          durationMs,
          ...(req.principal ? { user: req.principal.id } : {}),
        },
        `${req.method} ${route} ${status} ${durationMs} ms`,
      );
    });
    next();
  };
}

/**
 * Follows the request through Express's routers to name its route at the end. Express only
 * keeps the last router's `baseUrl` while inside it and restores the outer one when an error
 * leaves it, so the full pattern is taken at the moment a route matches (`req.route` set, its
 * router's `baseUrl` current), and the deepest mount path seen stands in when none matched (a
 * 401 from a router's own auth, an unknown API path).
 */
function trackRoute(req: Request): (status: number) => string {
  let route: unknown = req.route;
  let baseUrl = req.baseUrl;
  let pattern: string | undefined;
  let mount = baseUrl;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: unknown) {
      route = value;
      const path = patternOf((value as { path?: unknown } | undefined)?.path, req);
      // A router's own root ('/' under '/api/v1/incidents') is the mount path itself.
      pattern = path === '/' && baseUrl ? baseUrl : `${baseUrl}${path}`;
    },
  });
  Object.defineProperty(req, 'baseUrl', {
    configurable: true,
    enumerable: true,
    get: () => baseUrl,
    set(value: string | undefined) {
      // The router puts back what was there before it, which on the app's first pass is nothing.
      baseUrl = value ?? '';
      if (baseUrl.length > mount.length) mount = baseUrl;
    },
  });
  return (status) => pattern ?? (mount ? `${mount}/*` : status < 400 ? '(static)' : '(unmatched)');
}

/**
 * A route's path as a label: a string as it is; of a list of paths, the one this request took
 * when it is spelt out, else all of them; a RegExp, a catch-all (the web app's shell), as `/*`.
 */
function patternOf(path: unknown, req: Request): string {
  if (typeof path === 'string') return path;
  if (Array.isArray(path) && path.every((p) => typeof p === 'string')) {
    return path.find((p) => p === req.path) ?? path.join('|');
  }
  return '/*';
}
