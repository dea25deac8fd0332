import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/** `TRUST_PROXY` as Express reads it: a hop count, or addresses and names (`loopback`). */
export type TrustProxy = number | string | undefined;

/**
 * The trust function Express would build for `trust proxy`; throws on an address it cannot
 * read, so a typo stops the start instead of trusting nothing.
 */
export function compileTrust(trust: TrustProxy): (address: string, hop: number) => boolean {
  if (trust === undefined) return () => false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyaddr.compile(trust.split(',').map((s) => s.trim()));
}

/**
 * The client's address for requests Express does not see (the Socket.IO handshake): the
 * connection's own, or behind a trusted reverse proxy the one it forwarded, as `req.ip` is.
 */
export function clientAddress(trust: TrustProxy): (req: IncomingMessage) => string {
  const trusted = compileTrust(trust);
  return (req) => proxyaddr(req, trusted);
}
