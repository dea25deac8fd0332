import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../http-error.js';

const MAX_VERIFIED = 100_000;

export type TokenCheck =
  { ok: true; viewer: string } | { ok: false; status: 401 | 403; code: ErrorCode; error: string };

export interface StreamTokenOptions {
  /** How long a new token may wait for its first use. */
  ttlMs: number;
  /** A token in use stays valid while its player asks at least this often. */
  idleMs: number;
  /** Refused this long after issue, however busy its player. */
  maxLifetimeMs: number;
}

interface Viewer {
  cameraId: string;
  at: number;
  holder: string;
}

/**
 * Stream tokens: an HMAC over (camera, viewer, holder, issue time), carried in the query so that
 * hls.js can fetch playlists and segments without headers. A token must be first used within the
 * TTL; after that it lives while its player keeps asking, because a player cannot swap the URL of
 * a live playlist it reloads every few seconds, but never past the maximum lifetime, after which
 * the player asks for a new URL. The holder is the session (or wall device) that asked for it, so
 * that ending the session ends its streams too (`revoke`).
 */
export class StreamTokens {
  /** viewer -> camera, holder and when that viewer last asked for anything. */
  private readonly seen = new Map<string, Viewer>();
  /** token -> camera, for signatures already checked: a player presents its token many times. */
  private readonly verified = new Map<string, string>();
  /** holder tag -> when it was revoked; tokens issued until then are refused. */
  private readonly revoked = new Map<string, number>();
  /**
   * Revocations live in memory: a token issued before this process started may belong to a
   * session that ended while it was down, so it is refused like a revoked one. Players ask for
   * a new URL at once, with a session that still stands.
   */
  private readonly startedAt: number;

  constructor(
    private readonly secret: Buffer,
    private readonly options: StreamTokenOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** A token for one camera, for whoever holds `holder` (a session or device token hash). */
  issue(cameraId: string, holder: string): { token: string; expiresAt: number } {
    const viewer = randomBytes(9).toString('base64url');
    const tag = this.holderTag(holder);
    const issuedAt = this.now();
    return {
      token: `${viewer}.${tag}.${issuedAt}.${this.sign(cameraId, viewer, tag, issuedAt)}`,
      expiresAt: issuedAt + this.options.ttlMs,
    };
  }

  /**
   * Refuses from now on every token issued to `holder` so far, in use or not; tokens issued
   * later (the same wall device asking again after a restart) are not affected.
   */
  revoke(holder: string): void {
    const tag = this.holderTag(holder);
    const now = this.now();
    this.revoked.set(tag, now);
    for (const [viewer, seen] of this.seen) if (seen.holder === tag) this.seen.delete(viewer);
    // Past the maximum lifetime every token of a holder is refused anyway.
    for (const [other, at] of this.revoked) {
      if (now - at > this.options.maxLifetimeMs) this.revoked.delete(other);
    }
  }

  /** Checks a token for a camera and, when it passes, counts its viewer as active. */
  check(cameraId: string, token: string | undefined): TokenCheck {
    if (!token) {
      return refuse(401, 'stream_token_missing', 'stream token missing: ask for a stream URL');
    }
    const [viewer, tag, issued, sig, extra] = token.split('.');
    const issuedAt = Number(issued);
    if (!viewer || !tag || !sig || extra !== undefined || !/^\d{1,15}$/.test(issued ?? '')) {
      return refuse(401, 'stream_token_invalid', 'stream token malformed');
    }
    if (this.verified.get(token) !== cameraId) {
      const expected = Buffer.from(this.sign(cameraId, viewer, tag, issuedAt));
      const given = Buffer.from(sig);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        return refuse(403, 'stream_token_invalid', 'stream token is not valid for this camera');
      }
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(token, cameraId);
    }
    const now = this.now();
    const revokedAt = this.revoked.get(tag);
    if ((revokedAt !== undefined && issuedAt <= revokedAt) || issuedAt < this.startedAt) {
      this.forget(viewer, token);
      return refuse(
        401,
        'stream_token_revoked',
        'stream token revoked: the session that asked for it has ended',
      );
    }
    if (now - issuedAt >= this.options.maxLifetimeMs) {
      this.forget(viewer, token);
      return refuse(
        401,
        'stream_token_expired',
        'stream token reached its maximum lifetime: ask for a new stream URL',
      );
    }
    const last = this.seen.get(viewer);
    const alive = last !== undefined && now - last.at <= this.options.idleMs;
    if (!alive && issuedAt + this.options.ttlMs < now) {
      this.forget(viewer, token);
      return refuse(401, 'stream_token_expired', 'stream token expired: ask for a new stream URL');
    }
    this.seen.set(viewer, { cameraId, at: now, holder: tag });
    return { ok: true, viewer };
  }

  /** Active viewers per camera; forgets the silent ones. */
  viewers(): Map<string, number> {
    const now = this.now();
    const counts = new Map<string, number>();
    for (const [viewer, { cameraId, at }] of this.seen) {
      if (now - at > this.options.idleMs) this.seen.delete(viewer);
      else counts.set(cameraId, (counts.get(cameraId) ?? 0) + 1);
    }
    return counts;
  }

  private forget(viewer: string, token: string): void {
    this.seen.delete(viewer);
    this.verified.delete(token);
  }

  /**
   * What a token says of its holder: a keyed digest, so the URL (in browser history, proxy logs)
   * carries nothing a session or device token could be recovered or matched from elsewhere.
   */
  private holderTag(holder: string): string {
    return createHmac('sha256', this.secret)
      .update(`stream-holder\n${holder}`)
      .digest()
      .subarray(0, 9)
      .toString('base64url');
  }

  private sign(cameraId: string, viewer: string, tag: string, issuedAt: number): string {
    return createHmac('sha256', this.secret)
      .update(`stream\n${cameraId}\n${viewer}\n${tag}\n${issuedAt}`)
      .digest()
      .subarray(0, 18)
      .toString('base64url');
  }
}

function refuse(status: 401 | 403, code: ErrorCode, error: string): TokenCheck {
  return { ok: false, status, code, error };
}
