import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import {
  createSecureServer,
  Http2ServerRequest,
  Http2ServerResponse,
  type Http2SecureServer,
} from 'node:http2';
import type { Socket } from 'node:net';
import type { Express } from 'express';

export type WebServer = Server | Http2SecureServer;
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The server browsers talk to: plain HTTP/1.1, or with TLS files HTTPS that speaks HTTP/2 to
 * browsers offering it and HTTP/1.1 to the rest (ALPN). HTTP/2 carries every request of a page on
 * one connection, so a wall's sixteen low-latency players, each parking a blocking playlist
 * request, do not queue behind HTTP/1.1's six connections per host. Socket.IO's WebSocket still
 * opens its own HTTP/1.1 connection.
 */
export function createWebServer(
  tls: { certFile: string; keyFile: string } | undefined,
  handler: Handler,
): { server: WebServer; scheme: 'http' | 'https'; closeAll: () => void } {
  if (!tls) {
    const server = createServer(handler);
    return { server, scheme: 'http', closeAll: () => server.closeAllConnections() };
  }
  const server = createSecureServer(
    {
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      allowHTTP1: true,
      // Sixteen players' parts, playlists and blocking reloads at once, with room to spare.
      settings: { maxConcurrentStreams: 256 },
    },
    handler as unknown as Parameters<typeof createSecureServer>[1],
  );
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return {
    server,
    scheme: 'https',
    closeAll: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/**
 * Express over HTTP/2 requests as well: Express gives each request its own prototypes, which
 * extend HTTP/1.1's message classes and would hide those of Node's HTTP/2 compatibility layer.
 * For an HTTP/2 request the same methods are laid over the HTTP/2 classes instead, and the
 * `:authority` pseudo-header stands in for `Host`, which HTTP/2 clients do not send.
 */
export function withHttp2(app: Express): Handler {
  const http1 = { request: app.request, response: app.response };
  const http2 = {
    request: overlay(app.request, Http2ServerRequest.prototype),
    response: overlay(app.response, Http2ServerResponse.prototype),
  };
  return (req, res) => {
    if (!(req instanceof Http2ServerRequest)) return app(req, res);
    const h2 = req as unknown as Http2ServerRequest;
    h2.headers.host ??= h2.headers[':authority'];
    // HTTP/2 frames a body without either header; Express's body parsers look for one of them.
    if (
      h2.headers['content-length'] === undefined &&
      h2.headers['transfer-encoding'] === undefined &&
      !h2.stream.endAfterHeaders
    ) {
      h2.headers['transfer-encoding'] = 'chunked';
    }
    // Express swaps the prototypes synchronously on entry: the HTTP/2 pair is in place only
    // for that moment.
    app.request = http2.request;
    app.response = http2.response;
    try {
      app(req, res);
    } finally {
      app.request = http1.request;
      app.response = http1.response;
    }
  };
}

/**
 * The chain of Express's own objects (the app's, then Express's) copied onto `base` in place of
 * the HTTP/1.1 prototype they end in.
 */
function overlay<T extends object>(express: T, base: object): T {
  const chain: object[] = [];
  for (let o: object | null = express; o && !isNodePrototype(o); o = Object.getPrototypeOf(o)) {
    chain.push(o);
  }
  let proto = base;
  for (const layer of chain.reverse()) {
    proto = Object.create(proto, Object.getOwnPropertyDescriptors(layer));
  }
  return proto as T;
}

function isNodePrototype(o: object): boolean {
  return (
    o === IncomingMessage.prototype || o === ServerResponse.prototype || o === Object.prototype
  );
}
