import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const MAX_VERIFIED = 100_000;

export type TokenCheck =
  { ok: true; viewer: string } | { ok: false; status: 401 | 403; error: string };

/**
 * Stream tokens: an HMAC over (camera, viewer, expiry), carried in the query so that hls.js can
 * fetch playlists and segments without headers. A token must be first used before it expires;
 * after that it lives while its player keeps asking, because a player cannot swap the URL of a
 * live playlist it reloads every few seconds, and a wall plays the same camera for weeks.
 */
export class StreamTokens {
  /** viewer -> camera and when that viewer last asked for anything. */
  private readonly seen = new Map<string, { cameraId: string; at: number }>();
  /** token -> camera, for signatures already checked: a player presents its token many times. */
  private readonly verified = new Map<string, string>();

  constructor(
    private readonly secret: Buffer,
    private readonly ttlMs: number,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(cameraId: string): { token: string; expiresAt: number } {
    const viewer = randomBytes(9).toString('base64url');
    const expiresAt = Math.ceil((this.now() + this.ttlMs) / 1000);
    return {
      token: `${viewer}.${expiresAt}.${this.sign(cameraId, viewer, expiresAt)}`,
      expiresAt: expiresAt * 1000,
    };
  }

  /** Checks a token for a camera and, when it passes, counts its viewer as active. */
  check(cameraId: string, token: string | undefined): TokenCheck {
    if (!token) return { ok: false, status: 401, error: 'stream token missing' };
    const [viewer, exp, sig, extra] = token.split('.');
    const expiresAt = Number(exp);
    if (!viewer || !sig || extra !== undefined || !/^\d{1,12}$/.test(exp ?? '')) {
      return { ok: false, status: 401, error: 'stream token malformed' };
    }
    if (this.verified.get(token) !== cameraId) {
      const expected = Buffer.from(this.sign(cameraId, viewer, expiresAt));
      const given = Buffer.from(sig);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        return { ok: false, status: 403, error: 'stream token is not valid for this camera' };
      }
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(token, cameraId);
    }
    const now = this.now();
    const last = this.seen.get(viewer);
    const alive = last !== undefined && now - last.at <= this.idleMs;
    if (!alive && expiresAt * 1000 < now) {
      this.seen.delete(viewer);
      this.verified.delete(token);
      return { ok: false, status: 401, error: 'stream token expired: ask for a new stream URL' };
    }
    this.seen.set(viewer, { cameraId, at: now });
    return { ok: true, viewer };
  }

  /** Active viewers per camera; forgets the silent ones. */
  viewers(): Map<string, number> {
    const now = this.now();
    const counts = new Map<string, number>();
    for (const [viewer, { cameraId, at }] of this.seen) {
      if (now - at > this.idleMs) this.seen.delete(viewer);
      else counts.set(cameraId, (counts.get(cameraId) ?? 0) + 1);
    }
    return counts;
  }

  private sign(cameraId: string, viewer: string, expiresAt: number): string {
    return createHmac('sha256', this.secret)
      .update(`stream\n${cameraId}\n${viewer}\n${expiresAt}`)
      .digest()
      .subarray(0, 18)
      .toString('base64url');
  }
}
