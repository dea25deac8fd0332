import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityCameras, startHarness, type Harness } from './harness.js';

const [A, B] = cityCameras()
  .slice(0, 2)
  .map((c) => c.id) as [string, string];
const DEMO_ORIGIN_PASSWORD = 'citybrain-nvr-demo';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Demo mode throughout: the streams module starts its own origin and maps every camera to it.
describe('stream tokens', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      cameras: cityCameras().slice(0, 2),
      config: { tokenTtlSeconds: 1, viewerIdleSeconds: 1 },
    });
  });
  afterAll(() => harness.stop());

  it('expire when not used in time', async () => {
    const url = await harness.streamUrl(A);
    await sleep(2_200);
    const res = await fetch(url);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        code: 'stream_token_expired',
        message: 'stream token expired: ask for a new stream URL',
      },
    });
  });

  it('stay valid while their player keeps asking, and expire once it stops', async () => {
    const url = await harness.streamUrl(A);
    for (let i = 0; i < 8; i++) {
      expect((await fetch(url)).status).toBe(200);
      await sleep(400);
    }
    await sleep(2_200);
    expect((await fetch(url)).status).toBe(401);
  });

  it('are only handed to signed-in users, for cameras that exist', async () => {
    const post = (id: string, auth?: string) =>
      fetch(`${harness.url}/api/v1/cameras/${id}/stream`, {
        method: 'POST',
        headers: auth ? { authorization: auth } : {},
      });
    expect((await post(A)).status).toBe(401);
    expect((await post(A, 'Bearer not-a-session')).status).toBe(401);
    expect((await post('cam-none', `Bearer ${harness.bearer}`)).status).toBe(404);
    const ok = await post(A, `Bearer ${harness.bearer}`);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { url: string; expiresAt: string };
    expect(body.url).toMatch(new RegExp(`^/streams/${A}/index\\.m3u8\\?token=[\\w.-]+$`));
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('are recorded in the audit trail with the screen that asked, which must be a short name', async () => {
    const before = harness.audited.length;
    await harness.streamUrl(A, { screen: 'wall' });
    await harness.streamUrl(B);
    expect(harness.audited.slice(before)).toEqual([
      {
        action: 'stream.issued',
        actor: 'duty',
        actorRole: 'duty',
        address: '127.0.0.1',
        cameraId: A,
        detail: { screen: 'wall' },
      },
      {
        action: 'stream.issued',
        actor: 'duty',
        actorRole: 'duty',
        address: '127.0.0.1',
        cameraId: B,
        detail: {},
      },
    ]);
    for (const screen of ['<script>', 'x'.repeat(200), 42]) {
      const res = await fetch(`${harness.url}/api/v1/cameras/${A}/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${harness.bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ screen }),
      });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as {
        error: { code: string; fields: { path: string }[] };
      };
      expect(error).toMatchObject({ code: 'invalid_fields', fields: [{ path: 'screen' }] });
    }
    expect(harness.audited).toHaveLength(before + 2);
  });
});

describe('stream tokens bound to their session', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      cameras: cityCameras().slice(0, 2),
      // Three seconds, so that a test sees a token in use reach it.
      config: { tokenMaxLifetimeMinutes: 3 / 60, viewerIdleSeconds: 20 },
    });
  });
  afterAll(() => harness.stop());

  it('are refused once their session ends, while other sessions play on', async () => {
    const { token: bearer } = await harness.auth.login('duty', 'citybrain-demo');
    const mine = await harness.streamUrl(A, { bearer });
    const others = await harness.streamUrl(A);
    expect((await fetch(mine)).status).toBe(200);
    expect((await fetch(others)).status).toBe(200);

    const principal = (await harness.auth.authenticate(bearer))!;
    await harness.auth.logout(principal);
    const res = await fetch(mine);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        code: 'stream_token_revoked',
        message: 'stream token revoked: the session that asked for it has ended',
      },
    });
    expect((await fetch(others)).status).toBe(200);
    // And the ended session gets no new one: the player leaves it to the login.
    const again = await fetch(`${harness.url}/api/v1/cameras/${A}/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(again.status).toBe(401);
  });

  it('are refused past their maximum lifetime even while playing, and a new URL plays', async () => {
    const url = await harness.streamUrl(B);
    const issued = Date.now();
    let res = await fetch(url);
    // A player reloading its playlist: the token lives until the hard limit, not a moment more.
    while (res.status === 200) {
      await sleep(250);
      res = await fetch(url);
    }
    const lived = Date.now() - issued;
    expect(lived).toBeGreaterThanOrEqual(2_900);
    expect(lived).toBeLessThan(4_500);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'stream_token_expired',
    );
    expect((await fetch(await harness.streamUrl(B))).status).toBe(200);
  });
});

describe.each([
  ['the fast path', false],
  ['the Express router', true],
])('hostile requests through %s', (_name, expressOnly) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ cameras: cityCameras().slice(0, 2), expressOnly });
  });
  afterAll(() => harness.stop());

  /** Sends the path exactly as written: fetch() would normalise away the tricks under test. */
  function raw(path: string): Promise<{ status: number; body: string }> {
    const { port } = new URL(harness.url);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.setEncoding('latin1');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('are refused, reach nothing upstream that a playlist did not name, and leak nothing', async () => {
    const urlA = new URL(await harness.streamUrl(A));
    const urlB = new URL(await harness.streamUrl(B));
    const tokenA = urlA.searchParams.get('token')!;
    const tokenB = urlB.searchParams.get('token')!;
    const playlistA = await (await fetch(urlA)).text();
    const segmentA = playlistA.split('\n').find((l) => l && !l.startsWith('#'))!;
    const refA = segmentA.split('.')[0]!;
    const origin = harness.streams.origin!.url;
    const originPort = new URL(origin).port;

    const cases: [string, string, number[], Record<string, string>?][] = [
      ['no token', `/streams/${A}/index.m3u8`, [401]],
      ["another camera's token", `/streams/${A}/index.m3u8?token=${tokenB}`, [403]],
      ['a forged token', `/streams/${A}/index.m3u8?token=AAAA.BBBB.9999999999999.CCCC`, [403]],
      ['a token of the old shape', `/streams/${A}/index.m3u8?token=AAAA.9999999999.BBBB`, [400]],
      ['a malformed token', `/streams/${A}/index.m3u8?token=${encodeURIComponent(origin)}`, [400]],
      ['a doubled token', `/streams/${A}/index.m3u8?token=${tokenA}&token=${tokenA}`, [400]],
      [
        'a URL parameter',
        `/streams/${A}/index.m3u8?token=${tokenA}&url=${origin}/cam/${A}/index.m3u8`,
        [400],
      ],
      [
        'an upstream parameter',
        `/streams/${A}/index.m3u8?token=${tokenA}&upstream=${origin}`,
        [400],
      ],
      [
        'a URL in an LL-HLS parameter',
        `/streams/${A}/index.m3u8?token=${tokenA}&_HLS_msn=${origin}`,
        [400],
      ],
      [
        'a URL as the file',
        `/streams/${A}/${encodeURIComponent(`${origin}/cam/${A}/index.m3u8`)}?token=${tokenA}`,
        [400],
      ],
      [
        'an absolute URL in the path',
        `/streams/${A}/http://127.0.0.1:${originPort}/cam/${A}/index.m3u8?token=${tokenA}`,
        [400, 404],
      ],
      ['dot segments', `/streams/${A}/../${B}/index.m3u8?token=${tokenA}`, [400]],
      ['dot segments as the camera', `/streams/../index.m3u8?token=${tokenA}`, [400]],
      ['encoded dot segments', `/streams/${A}/%2e%2e/index.m3u8?token=${tokenA}`, [400]],
      ['encoded slashes', `/streams/${A}/..%2F..%2F..%2Fetc%2Fpasswd?token=${tokenA}`, [400]],
      [
        'encoded slash in the camera',
        `/streams/${A}%2F..%2F${B}/index.m3u8?token=${tokenA}`,
        [400],
      ],
      ['overlong UTF-8 dots', `/streams/${A}/%c0%ae%c0%ae/index.m3u8?token=${tokenA}`, [400]],
      ['a backslash', `/streams/${A}/..\\index.m3u8?token=${tokenA}`, [400]],
      ['a doubled slash', `/streams/${A}//index.m3u8?token=${tokenA}`, [400]],
      ['a file name of its own', `/streams/${A}/seg-000.ts?token=${tokenA}`, [400]],
      ['a forged file name', `/streams/${A}/${'A'.repeat(60)}.ts?token=${tokenA}`, [404]],
      ["another camera's file", `/streams/${B}/${segmentA.split('?')[0]}?token=${tokenB}`, [404]],
      ['a segment as a playlist', `/streams/${A}/${refA}.m3u8?token=${tokenA}`, [404]],
      ['LL-HLS parameters on a segment', `/streams/${A}/${segmentA}&_HLS_msn=1`, [400]],
      ['an unknown camera', `/streams/cam-none/index.m3u8?token=${tokenA}`, [404]],
      [
        'a camera id that is a URL',
        `/streams/${encodeURIComponent(origin)}/index.m3u8?token=${tokenA}`,
        [400, 404],
      ],
      ['a stream path with extra depth', `/streams/${A}/x/index.m3u8?token=${tokenA}`, [400]],
    ];
    const upstreamSegments = async () =>
      /citybrain_stream_upstream_requests_total\{kind="segment"\} (\d+)/.exec(
        await harness.metrics.render(),
      )?.[1] ?? '0';
    const before = await upstreamSegments();
    const bodies: string[] = [];
    for (const [what, path, expected] of cases) {
      const res = await raw(path);
      bodies.push(res.body);
      expect.soft(expected, `${what}: got ${res.status} ${res.body}`).toContain(res.status);
    }
    expect(await upstreamSegments()).toBe(before);
    // Not ours to answer: the app's own 404 (here Express's, which echoes the path it was sent).
    expect((await raw(`${origin}/cam/${A}/index.m3u8`)).status).toBe(404);
    // And the real thing still works.
    expect((await raw(`/streams/${A}/${segmentA}`)).status).toBe(200);

    const all = bodies.join('\n');
    for (const secret of [originPort, DEMO_ORIGIN_PASSWORD, '/cam/', 'nvr:']) {
      expect(all).not.toContain(secret);
    }
  });
});
