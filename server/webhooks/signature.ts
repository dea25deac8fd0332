import { createHmac, randomBytes } from 'node:crypto';

/** A new signing secret: 32 random bytes, URL-safe, prefixed so a leaked one is recognisable. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * `sha256=<hex>`: HMAC-SHA256 over `<timestamp>.<raw body>`. The timestamp is signed with the
 * body, so a captured request replayed later carries a stale, still-verifiable time the
 * receiver can refuse.
 */
export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
