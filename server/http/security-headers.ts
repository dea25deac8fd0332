import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * The security headers every answer carries, screens, API, streams and intake alike: a
 * Content-Security-Policy with no inline or foreign scripts, no framing of any screen (a desk
 * in someone else's frame can be clicked through), no referrer leaving the centre, no MIME
 * sniffing. `mapStyleUrl` may point at a centre's own tile server: its origin is allowed to be
 * fetched from, nothing else outside this server is.
 */
export function securityHeaders(
  mapStyleUrl: string,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const tiles = foreignOrigin(mapStyleUrl);
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Vue and ECharts set style attributes; styles cannot run code.
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Map sprites and glyphs come as blobs; MapLibre and hls.js run their workers from blobs.
        imgSrc: ["'self'", 'data:', 'blob:', ...tiles],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        // hls.js plays through MediaSource, whose URLs are blobs.
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", ...tiles],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Cameras' HLS is served from here; a cross-origin-embedder policy would only get in the way.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    // Intranet deployments often run without TLS; HSTS is for the TLS front (docs/DEPLOY.md).
    strictTransportSecurity: false,
  });
  return (req, res, next) => middleware(req, res, () => next());
}

function foreignOrigin(url: string): string[] {
  try {
    const { origin, protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? [origin] : [];
  } catch {
    return [];
  }
}
