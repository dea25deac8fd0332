import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StreamTokens } from './tokens.js';

function tokens(ttlMs = 60_000, idleMs = 20_000) {
  const clock = { now: 1_000_000_000 };
  return { clock, tokens: new StreamTokens(randomBytes(32), ttlMs, idleMs, () => clock.now) };
}

describe('stream tokens', () => {
  it('admits a fresh token for its own camera only', () => {
    const { tokens: t } = tokens();
    const { token, expiresAt } = t.issue('cam-0001');
    expect(expiresAt).toBe(1_000_060_000);
    expect(t.check('cam-0001', token)).toMatchObject({ ok: true });
    expect(t.check('cam-0002', token)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a token not used before it expires (401)', () => {
    const { clock, tokens: t } = tokens();
    const { token } = t.issue('cam-0001');
    clock.now += 60_001;
    expect(t.check('cam-0001', token)).toEqual({
      ok: false,
      status: 401,
      error: 'stream token expired: ask for a new stream URL',
    });
  });

  it('keeps a token in use alive past its expiry, and lets it die once its player is silent', () => {
    const { clock, tokens: t } = tokens();
    const { token } = t.issue('cam-0001');
    for (let i = 0; i < 100; i++) {
      clock.now += 2_000; // a player reloading its playlist every target duration
      expect(t.check('cam-0001', token).ok).toBe(true);
    }
    clock.now += 20_001;
    expect(t.check('cam-0001', token)).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses forged, altered, malformed and missing tokens', () => {
    const { tokens: t } = tokens();
    const other = new StreamTokens(randomBytes(32), 60_000, 20_000);
    const { token } = t.issue('cam-0001');
    const [viewer, exp, sig] = token.split('.');
    expect(t.check('cam-0001', other.issue('cam-0001').token)).toMatchObject({ status: 403 });
    expect(t.check('cam-0001', `${viewer}.${Number(exp) + 3600}.${sig}`)).toMatchObject({
      status: 403,
    });
    expect(t.check('cam-0001', `x${viewer}.${exp}.${sig}`)).toMatchObject({ status: 403 });
    expect(t.check('cam-0001', `${viewer}.${exp}`)).toMatchObject({ status: 401 });
    expect(t.check('cam-0001', `${token}.extra`)).toMatchObject({ status: 401 });
    expect(t.check('cam-0001', undefined)).toMatchObject({ status: 401 });
  });

  it('counts active viewers per camera', () => {
    const { clock, tokens: t } = tokens();
    const a = t.issue('cam-1').token;
    const b = t.issue('cam-1').token;
    const c = t.issue('cam-2').token;
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
