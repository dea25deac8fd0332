import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Variant } from './store.js';

/** How long a photo link works: long enough to look at an incident, short enough to not leak. */
export const LINK_LIFETIME_MS = 15 * 60_000;
/**
 * Expiries are whole minutes: links asked for within the same minute are the same URLs, so a
 * browser re-rendering an incident finds its photos in its cache. A link lives 14 to 15 minutes.
 */
const EXPIRY_STEP_MS = 60_000;

/**
 * Signed photo URLs: `/files/<id>?v=full|thumb&exp=<ms>&sig=<hmac>`. An `<img>` sends no
 * Authorization header, so the URL itself is the credential; it is handed out only with an
 * incident its reader may see. The secret is per process: a restart ends every link, and the
 * screens ask for the incident, and new links, again.
 */
export class PhotoLinks {
  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number,
  ) {}

  /** A link for one variant; all links made in the same minute share `expiresAt`. */
  make(id: string, variant: Variant): { url: string; expiresAt: number } {
    const expiresAt = this.expiry();
    const sig = this.sign(id, variant, expiresAt);
    return { url: `/files/${id}?v=${variant}&exp=${expiresAt}&sig=${sig}`, expiresAt };
  }

  expiry(): number {
    return Math.floor(this.now() / EXPIRY_STEP_MS) * EXPIRY_STEP_MS + LINK_LIFETIME_MS;
  }

  /** Whether the signature is ours for these values; expiry is the caller's to check. */
  verify(id: string, variant: Variant, expiresAt: number, sig: string): boolean {
    const expected = Buffer.from(this.sign(id, variant, expiresAt));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(id: string, variant: Variant, expiresAt: number): string {
    return createHmac('sha256', this.secret)
      .update(`attachment\n${id}\n${variant}\n${expiresAt}`)
      .digest()
      .subarray(0, 18)
      .toString('base64url');
  }
}
