import { afterEach, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../../../shared/errors.js';
import { ApiError, apiFetch } from '../api/http.js';
import { CLIENT_ERROR_CODES, errorText, linkErrorText } from './errors.js';
import { LOCALES } from './index.js';

const ALL_CODES = [...ERROR_CODES, ...CLIENT_ERROR_CODES];
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const refusal = (code: string, extra: Partial<ApiError> = {}) =>
  Object.assign(new ApiError(400, { code, message: `English server message for ${code}` }), extra);

describe('error texts', () => {
  it('has a zh-CN and an en text for every code the server or the web can name', () => {
    for (const code of ALL_CODES) {
      for (const locale of ['zh-CN', 'en'] as const) {
        const text = (LOCALES[locale].errors as Record<string, string | undefined>)[code];
        expect(text?.trim(), `${locale} errors.${code}`).toBeTruthy();
      }
    }
    // No text for a code nobody sends: a renamed code must be renamed in the locales too.
    expect(Object.keys(LOCALES['zh-CN'].errors).sort()).toEqual([...ALL_CODES].sort());
    expect(Object.keys(LOCALES.en.errors).sort()).toEqual([...ALL_CODES].sort());
  });

  it('writes the Chinese texts in Chinese, with the same placeholders as the English', () => {
    const zh = LOCALES['zh-CN'].errors as Record<string, string>;
    const en = LOCALES.en.errors as Record<string, string>;
    for (const code of ALL_CODES) {
      expect(zh[code]!.replace(/\{\w+\}/g, ''), code).not.toMatch(/[A-Za-z]/);
      expect(zh[code], code).toMatch(/\p{Script=Han}/u);
      expect(placeholders(zh[code]!), code).toEqual(placeholders(en[code]!));
    }
  });

  it("shows the locale's text for a code, never the server's English message", () => {
    for (const code of ALL_CODES) {
      const err = refusal(code, { retryAfterSeconds: 30 } as Partial<ApiError>);
      const zh = errorText(err, 'zh-CN');
      expect(zh, code).not.toContain(err.message);
      expect(zh, code).not.toMatch(/[A-Za-z]/);
      expect(errorText(err, 'en'), code).not.toContain(err.message);
    }
    expect(errorText(refusal('stale_version'), 'zh-CN')).toBe(
      '事件已被他人更新，请查看最新内容后重试',
    );
    expect(errorText(refusal('stale_version'), 'en')).toMatch(/changed this incident/);
  });

  it('falls back to a generic text naming a code this build does not know', () => {
    expect(errorText(refusal('newer_server_code'), 'zh-CN')).toBe('操作失败（newer_server_code）');
    expect(errorText(refusal('newer_server_code'), 'en')).toBe('Failed (newer_server_code)');
  });

  it('says a failure without a server answer is the network', () => {
    expect(errorText(new TypeError('Failed to fetch'), 'zh-CN')).toBe(
      LOCALES['zh-CN'].errors.network,
    );
  });

  it('puts the seconds to wait into a throttled login, and does without them', () => {
    const throttled = new ApiError(429, { code: 'login_throttled', message: 'wait' }, 42);
    expect(errorText(throttled, 'zh-CN')).toBe('登录尝试过于频繁，请42秒后再试');
    expect(errorText(throttled, 'en')).toBe('Too many sign-in attempts: try again in 42 s');
    const unknown = new ApiError(429, { code: 'login_throttled', message: 'wait' });
    expect(errorText(unknown, 'zh-CN')).toBe(LOCALES['zh-CN'].errors.too_many_requests);
  });

  it("names the refused fields by the form's labels, leaving out paths it has no label for", () => {
    const err = new ApiError(400, {
      code: 'invalid_fields',
      message: 'rating: too big; command.layout: invalid',
      fields: [
        { path: 'rating', message: 'Too big' },
        { path: 'comment', message: 'Too long' },
        { path: 'command.layout', message: 'Invalid input' },
        { path: 'constructor', message: 'Invalid input' },
      ],
    });
    expect(errorText(err, 'zh-CN')).toBe('填写的内容有误：满意度、意见');
    expect(errorText(err, 'en')).toBe('Some fields are not valid: Rating, Comment');
    const unlabelled = new ApiError(400, {
      code: 'invalid_fields',
      message: 'x: bad',
      fields: [{ path: 'x', message: 'bad' }],
    });
    expect(errorText(unlabelled, 'zh-CN')).toBe('填写的内容有误');
  });

  it("reads a live-link refusal by its prefix, hiding the server's English", () => {
    const zh = LOCALES['zh-CN'].errors;
    expect(linkErrorText('unauthorized: log in again', 'zh-CN')).toBe(zh.unauthenticated);
    expect(
      linkErrorText('outdated: this screen reads wire 1, the server sends 2; reload it', 'zh-CN'),
    ).toBe(zh.client_outdated);
    expect(linkErrorText('websocket error', 'zh-CN')).toBe(zh.link_failed);
    expect(linkErrorText(undefined, 'zh-CN')).toBeUndefined();
  });
});

describe('apiFetch refusals', () => {
  afterEach(() => vi.unstubAllGlobals());
  const answer = (status: number, body: string, headers: Record<string, string> = {}) =>
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(body, { status, headers })),
    );
  const refused = async () => {
    try {
      await apiFetch('/api/v1/anything');
    } catch (err) {
      return err as ApiError;
    }
    throw new Error('expected a refusal');
  };

  it('carries the code, fields and Retry-After of a refusal', async () => {
    answer(
      429,
      JSON.stringify({ error: { code: 'login_throttled', message: 'too many attempts' } }),
      { 'retry-after': '17' },
    );
    const err = await refused();
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429, code: 'login_throttled', retryAfterSeconds: 17 });
    answer(
      400,
      JSON.stringify({
        error: {
          code: 'invalid_fields',
          message: 'rating: x',
          fields: [{ path: 'rating', message: 'x' }],
        },
      }),
    );
    expect(await refused()).toMatchObject({
      code: 'invalid_fields',
      fields: [{ path: 'rating', message: 'x' }],
    });
  });

  it("names an answer without our shape by its status (a proxy's error page)", async () => {
    answer(502, '<html>Bad Gateway</html>');
    expect(await refused()).toMatchObject({ status: 502, code: 'upstream_failed', fields: [] });
    answer(404, JSON.stringify({ error: 'an older server' }));
    expect(await refused()).toMatchObject({ code: 'not_found', message: 'an older server' });
  });
});
