import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StreamTokens } from './tokens.js';

const SESSION = 'session-hash-of-duty';

function tokens(ttlMs = 60_000, idleMs = 20_000, maxLifetimeMs = 4 * 3_600_000) {
  const clock = { now: 1_000_000_000 };
  const t = new StreamTokens(randomBytes(32), { ttlMs, idleMs, maxLifetimeMs }, () => clock.now);
  return { clock, tokens: t };
}

describe('stream tokens', () => {
  it('admits a fresh token for its own camera only', () => {
    const { tokens: t } = tokens();
    const { token, expiresAt } = t.issue('cam-0001', SESSION);
    expect(expiresAt).toBe(1_000_060_000);
    expect(t.check('cam-0001', token)).toMatchObject({ ok: true });
    expect(t.check('cam-0002', token)).toMatchObject({
      ok: false,
      status: 403,
      code: 'stream_token_invalid',
    });
  });

  it('refuses after a restart the tokens issued before it, even under the same secret', () => {
    const secret = randomBytes(32);
    const clock = { now: 1_000_000_000 };
    const options = { ttlMs: 60_000, idleMs: 20_000, maxLifetimeMs: 4 * 3_600_000 };
    const before = new StreamTokens(secret, options, () => clock.now);
    const { token } = before.issue('cam-0001', SESSION);
    expect(before.check('cam-0001', token)).toMatchObject({ ok: true });
    // The session may have ended while the server was down: its revocation was in memory.
    clock.now += 5_000;
    const after = new StreamTokens(secret, options, () => clock.now);
    expect(after.check('cam-0001', token)).toMatchObject({
      ok: false,
      status: 401,
      code: 'stream_token_revoked',
    });
    expect(after.check('cam-0001', after.issue('cam-0001', SESSION).token)).toMatchObject({
      ok: true,
    });
  });

  it('carries a keyed digest of its holder, never the holder itself', () => {
    const { tokens: t } = tokens();
    const { token } = t.issue('cam-0001', SESSION);
    expect(token).not.toContain(SESSION);
    const tag = token.split('.')[1];
    expect(t.issue('cam-0002', SESSION).token.split('.')[1]).toBe(tag);
    expect(t.issue('cam-0001', 'another-session').token.split('.')[1]).not.toBe(tag);
  });

  it('refuses a token not used before it expires (401)', () => {
    const { clock, tokens: t } = tokens();
    const { token } = t.issue('cam-0001', SESSION);
    clock.now += 60_001;
    expect(t.check('cam-0001', token)).toEqual({
      ok: false,
      status: 401,
      code: 'stream_token_expired',
      error: 'stream token expired: ask for a new stream URL',
    });
  });

  it('keeps a token in use alive past its expiry, and lets it die once its player is silent', () => {
    const { clock, tokens: t } = tokens();
    const { token } = t.issue('cam-0001', SESSION);
    for (let i = 0; i < 100; i++) {
      clock.now += 2_000; // a player reloading its playlist every target duration
      expect(t.check('cam-0001', token).ok).toBe(true);
    }
    clock.now += 20_001;
    expect(t.check('cam-0001', token)).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses a token in use once its maximum lifetime is over', () => {
    const { clock, tokens: t } = tokens(60_000, 20_000, 30_000);
    const { token } = t.issue('cam-0001', SESSION);
    while (clock.now + 2_000 < 1_000_030_000) {
      clock.now += 2_000;
      expect(t.check('cam-0001', token).ok).toBe(true);
    }
    clock.now = 1_000_030_000;
    expect(t.check('cam-0001', token)).toMatchObject({
      ok: false,
      status: 401,
      code: 'stream_token_expired',
    });
    expect(t.viewers()).toEqual(new Map());
    // A new URL for the same session plays again.
    expect(t.check('cam-0001', t.issue('cam-0001', SESSION).token).ok).toBe(true);
  });

  it('refuses every token of a revoked holder, in use or not, and no one else', () => {
    const { clock, tokens: t } = tokens();
    const playing = t.issue('cam-0001', SESSION).token;
    const unused = t.issue('cam-0002', SESSION).token;
    const other = t.issue('cam-0001', 'other-session').token;
    expect(t.check('cam-0001', playing).ok).toBe(true);
    expect(t.check('cam-0001', other).ok).toBe(true);
    clock.now += 1;
    t.revoke(SESSION);
    for (const [camera, token] of [
      ['cam-0001', playing],
      ['cam-0002', unused],
    ] as const) {
      expect(t.check(camera, token)).toEqual({
        ok: false,
        status: 401,
        code: 'stream_token_revoked',
        error: 'stream token revoked: the session that asked for it has ended',
      });
    }
    expect(t.check('cam-0001', other).ok).toBe(true);
    expect(t.viewers()).toEqual(new Map([['cam-0001', 1]]));
    // A wall device asking again after its token was revoked gets a URL that plays.
    clock.now += 1;
    expect(t.check('cam-0001', t.issue('cam-0001', SESSION).token).ok).toBe(true);
  });

  it('refuses forged, altered, malformed and missing tokens', () => {
    const { tokens: t } = tokens();
    const other = new StreamTokens(randomBytes(32), {
      ttlMs: 60_000,
      idleMs: 20_000,
      maxLifetimeMs: 3_600_000,
    });
    const { token } = t.issue('cam-0001', SESSION);
    const [viewer, tag, issued, sig] = token.split('.');
    const otherTag = t.issue('cam-0001', 'other-session').token.split('.')[1];
    expect(t.check('cam-0001', other.issue('cam-0001', SESSION).token)).toMatchObject({
      status: 403,
    });
    // Moved later (a longer life) or to another holder (out of a revocation's reach).
    expect(
      t.check('cam-0001', `${viewer}.${tag}.${Number(issued) + 3_600_000}.${sig}`),
    ).toMatchObject({
      status: 403,
    });
    expect(t.check('cam-0001', `${viewer}.${otherTag}.${issued}.${sig}`)).toMatchObject({
      status: 403,
    });
    expect(t.check('cam-0001', `x${viewer}.${tag}.${issued}.${sig}`)).toMatchObject({
      status: 403,
    });
    expect(t.check('cam-0001', `${viewer}.${tag}.${issued}`)).toMatchObject({
      status: 401,
      code: 'stream_token_invalid',
    });
    expect(t.check('cam-0001', `${token}.extra`)).toMatchObject({ status: 401 });
    expect(t.check('cam-0001', undefined)).toMatchObject({
      status: 401,
      code: 'stream_token_missing',
    });
  });

  it('counts active viewers per camera', () => {
    const { clock, tokens: t } = tokens();
    const a = t.issue('cam-1', SESSION).token;
    const b = t.issue('cam-1', SESSION).token;
    const c = t.issue('cam-2', SESSION).token;
    for (const token of [a, b]) t.check('cam-1', token);
    t.check('cam-2', c);
    expect(t.viewers()).toEqual(
      new Map([
        ['cam-1', 2],
        ['cam-2', 1],
      ]),
    );
    clock.now += 15_000;
    t.check('cam-1', a);
    clock.now += 10_000;
    expect(t.viewers()).toEqual(new Map([['cam-1', 1]]));
  });
});
