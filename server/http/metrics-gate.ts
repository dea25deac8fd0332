import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { bearer } from '../auth/auth.js';
import { HttpError } from '../http-error.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * `GET /metrics` tells how busy the centre is, who is connected and which cameras are down: with
 * a token configured, only a scraper presenting it (`Authorization: Bearer <token>`) reads it;
 * without one, only the server's own host (a Prometheus or node exporter beside it).
 */
export function metricsGate(token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(token) : undefined;
  return (req, _res, next) => {
    if (expected) {
      const given = Buffer.from(bearer(req.headers.authorization) ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new HttpError(401, 'metrics need the metrics token (Authorization: Bearer <token>)', {
          code: 'metrics_token_required',
        });
    } else if (
      !LOOPBACK.test(req.socket.remoteAddress ?? '') ||
      // Through a reverse proxy on this host every client looks local: only a direct one is.
      req.headers['x-forwarded-for'] !== undefined ||
      req.headers.forwarded !== undefined
    ) {
      throw new HttpError(
        403,
        'metrics are served to this host only; set METRICS_TOKEN to scrape from elsewhere',
        { code: 'metrics_token_required' },
      );
    }
    next();
  };
}
