import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import HLS from 'hls-parser';
import type { MasterPlaylist, MediaPlaylist } from 'hls-parser/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityCameras, startHarness, type Harness } from './harness.js';

/** A stand-in for a misbehaving NVR and for an LL-HLS media server, on one port. */
let upstream: Server;
let base: string;
let harness: Harness;
const received: IncomingMessage[] = [];
const TIMEOUT_MS = 600;

const LL_PLAYLIST = (part: number) => `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:2
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.5,CAN-SKIP-UNTIL=12
#EXT-X-PART-INF:PART-TARGET=0.5
#EXT-X-MEDIA-SEQUENCE:100
#EXT-X-MAP:URI="init.mp4"
#EXTINF:2.0,
seg100.m4s
${Array.from({ length: part }, (_, p) => `#EXT-X-PART:DURATION=0.5,URI="part101.${p}.m4s"${p ? '' : ',INDEPENDENT=YES'}`).join('\n')}
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part101.${part}.m4s"
#EXT-X-RENDITION-REPORT:URI="../audio/index.m3u8",LAST-MSN=101,LAST-PART=${part - 1}
`;

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A master playlist carrying every tag that can name a URL, absolute and relative. */
const TAGGED = (origin: string) => `#EXTM3U
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-SESSION-DATA:DATA-ID="com.nvr.info",URI="${origin}/tags/info.json"
#EXT-X-SESSION-DATA:DATA-ID="com.nvr.src",VALUE="rtsp://admin:cam-secret@10.9.8.7/ch1"
#EXT-X-SESSION-KEY:METHOD=AES-128,URI="${origin}/tags/session.key"
#EXT-X-CONTENT-STEERING:SERVER-URI="${origin}/tags/steer.json",PATHWAY-ID="nvr"
#EXT-X-DATERANGE:ID="ad",CLASS="com.apple.hls.interstitial",START-DATE="2026-11-22T08:00:00Z",X-ASSET-URI="${origin}/tags/ad.m3u8",X-ASSET-LIST="${origin}/tags/list.json"
#EXT-X-NVR-SNAPSHOT:URI="${origin}/tags/snapshot.jpg"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="main",URI="${origin}/audio/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=600000,AUDIO="a"
${origin}/ok/index.m3u8
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100000,URI=${origin}/ok/iframes.m3u8
`;

beforeAll(async () => {
  upstream = createServer(async (req, res) => {
    received.push(req);
    const url = new URL(req.url!, 'http://x');
    const send = (status: number, body: string | Buffer, type = 'application/vnd.apple.mpegurl') =>
      res.writeHead(status, { 'content-type': type }).end(body);
    switch (url.pathname) {
      case '/slow/index.m3u8':
        return; // never answers
      case '/err/index.m3u8':
        return send(500, 'internal error at /var/nvr/cam3 on 10.9.8.7', 'text/plain');
      case '/html/index.m3u8':
        return send(
          200,
          '<html><body>NVR login, firmware 4.2 at 10.9.8.7</body></html>',
          'text/html',
        );
      case '/away/index.m3u8':
        return res.writeHead(302, { location: `http://127.0.0.2:${port()}/ok/index.m3u8` }).end();
      case '/moved/index.m3u8':
        return res.writeHead(301, { location: '/ok/index.m3u8' }).end();
      case '/cross/index.m3u8':
        return send(
          200,
          `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nhttp://127.0.0.2:${port()}/a.ts\n`,
        );
      case '/big/index.m3u8':
        return send(200, `#EXTM3U\n${'#EXT-X-FILLER:x\n'.repeat(100_000)}`);
      case '/ok/index.m3u8':
      case '/stuck/index.m3u8':
        return send(
          200,
          '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1\n#EXTINF:2,\ns.ts\n',
        );
      case '/ok/s.ts':
        return send(200, Buffer.alloc(188, 0x47), 'video/mp2t');
      case '/stuck/s.ts':
        return; // a segment that never arrives
      case '/ll/index.m3u8': {
        const part = Number(url.searchParams.get('_HLS_part') ?? 2);
        if (url.searchParams.has('_HLS_msn')) await later(300); // blocking reload
        return send(200, LL_PLAYLIST(part));
      }
      case '/types/index.m3u8':
        return send(
          200,
          '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1\n' +
            ['mp4.ts', 'html.ts', 'svg.m4s', 'playlist.ts', 'none.ts', 'upper.ts']
              .map((name) => `#EXTINF:2,\n${name}\n`)
              .join(''),
        );
      case '/types/mp4.ts':
        return send(200, Buffer.from('fmp4'), 'video/mp4');
      case '/types/html.ts':
        return send(200, '<html><script>alert(1)</script></html>', 'text/html; charset=utf-8');
      case '/types/svg.m4s':
        return send(200, '<svg onload="alert(1)"/>', 'image/svg+xml');
      case '/types/playlist.ts':
        return send(200, `#EXTM3U\n${base}/types/mp4.ts\n`, 'audio/mpegurl');
      case '/types/none.ts':
        return res.writeHead(200).end(Buffer.alloc(188, 0x47));
      case '/types/upper.ts':
        return send(200, Buffer.alloc(188, 0x47), 'Video/MP2T; foo=bar');
      case '/tags/index.m3u8':
        return send(200, TAGGED(base));
      case '/audio/index.m3u8':
        return send(
          200,
          '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:100\n#EXTINF:2,\na100.m4s\n',
        );
      default:
        if (/^\/ll\/(init|seg|part)[\d.]*\.(mp4|m4s)$/.test(url.pathname)) {
          if (url.pathname === '/ll/part101.2.m4s') await later(300); // the preload hint
          return send(200, Buffer.from(url.pathname), 'video/mp4');
        }
        return send(404, 'no');
    }
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${port()}`;
  const ids = cityCameras()
    .slice(0, 13)
    .map((c) => c.id);
  const hls = (path: string) => `${base}/${path}/index.m3u8`;
  harness = await startHarness({
    cameras: cityCameras().slice(0, 13),
    config: { upstreamTimeoutMs: TIMEOUT_MS, blockingTimeoutMs: 2_000 },
    registry: {
      cameras: [
        { id: ids[0]!, hls: hls('slow') },
        { id: ids[1]!, hls: hls('err') },
        { id: ids[2]!, hls: hls('html') },
        { id: ids[3]!, hls: hls('away') },
        { id: ids[4]!, hls: hls('cross') },
        { id: ids[5]!, hls: hls('big') },
        { id: ids[6]!, hls: hls('stuck') },
        { id: ids[7]!, hls: 'http://127.0.0.1:9/closed/index.m3u8' },
        { id: ids[8]!, hls: hls('moved'), headers: { 'X-Api-Key': 'k-123' } },
        {
          id: ids[9]!,
          hls: `http://ll:pw@127.0.0.1:${port()}/ll/index.m3u8`,
          lowLatency: true,
        },
        // The same LL-HLS server, not declared as one: the directives do not reach it.
        { id: ids[10]!, hls: `http://ll:pw@127.0.0.1:${port()}/ll/index.m3u8` },
        { id: ids[11]!, hls: hls('types') },
        { id: ids[12]!, hls: `http://nvr:nvr-secret@127.0.0.1:${port()}/tags/index.m3u8` },
      ],
    },
  });
});
afterAll(async () => {
  await harness.stop();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

function port(): number {
  return (upstream.address() as AddressInfo).port;
}

describe('a slow or broken upstream', () => {
  it('gets a clear 502 or 504 within the timeout, and nothing of the upstream leaks', async () => {
    const ids = cityCameras().map((c) => c.id);
    const expectations: [number, number, string][] = [
      [0, 504, `camera upstream did not answer within ${TIMEOUT_MS} ms`],
      [1, 502, 'camera upstream answered 500'],
      [2, 502, 'upstream did not answer with an HLS playlist'],
      [3, 502, 'camera upstream redirected away'],
      [4, 502, 'upstream playlist names a file on another host'],
      [5, 502, 'camera upstream response too large'],
      [7, 502, 'camera upstream unreachable'],
    ];
    await Promise.all(
      expectations.map(async ([i, status, message]) => {
        const url = await harness.streamUrl(ids[i]!);
        const started = Date.now();
        const res = await fetch(url);
        const text = await res.text();
        const code = status === 504 ? 'upstream_timeout' : 'upstream_failed';
        expect({ status: res.status, body: JSON.parse(text) }).toEqual({
          status,
          body: { error: { code, message } },
        });
        expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
        for (const secret of ['127.0.0.', String(port()), '10.9.8.7', 'firmware', '/slow']) {
          expect(text).not.toContain(secret);
        }
      }),
    );
  });

  it('times out a segment that never arrives, and still serves the rest', async () => {
    const url = await harness.streamUrl(cityCameras()[6]!.id);
    const playlist = await (await fetch(url)).text();
    const segment = new URL(playlist.trim().split('\n').at(-1)!, url);
    const started = Date.now();
    const res = await fetch(segment);
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    const fine = await harness.streamUrl(cityCameras()[8]!.id);
    expect((await fetch(fine)).status).toBe(200);
  });

  it('follows a redirect on the same host and sends the configured headers there', async () => {
    const url = await harness.streamUrl(cityCameras()[8]!.id);
    const playlist = await (await fetch(url)).text();
    const res = await fetch(new URL(playlist.trim().split('\n').at(-1)!, url));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.alloc(188, 0x47));
    const segmentRequest = received.find((r) => r.url === '/ok/s.ts')!;
    expect(segmentRequest.headers['x-api-key']).toBe('k-123');
  });
});

describe('Low-Latency HLS', () => {
  it('passes blocking reloads, parts, preload hints and rendition reports through, one fetch each', async () => {
    const url = await harness.streamUrl(cityCameras()[9]!.id);
    const first = await (await fetch(url)).text();
    const parsed = HLS.parse(first) as MediaPlaylist;
    expect(parsed.lowLatencyCompatibility).toMatchObject({ canBlockReload: true });
    expect(first).toContain('#EXT-X-PART-INF:PART-TARGET=0.5');
    expect(first).not.toMatch(/part101|seg100|init\.mp4|audio/);

    // 20 players ask for the next part at once: one blocking reload goes upstream, with the
    // directives passed on, and one fetch of the hinted part.
    const blocking = new URL(url);
    blocking.searchParams.set('_HLS_msn', '101');
    blocking.searchParams.set('_HLS_part', '2');
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(first)![1]!;
    const before = received.length;
    const [reloads, parts] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, () => fetch(blocking).then((r) => r.text()))),
      Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(new URL(hint, url)).then(async (r) => [r.status, await r.text()] as const),
        ),
      ),
    ]);
    const upstreamAsked = received.slice(before).map((r) => r.url);
    expect(
      upstreamAsked.filter((u) => u === '/ll/index.m3u8?_HLS_msn=101&_HLS_part=2'),
    ).toHaveLength(1);
    expect(upstreamAsked.filter((u) => u === '/ll/part101.2.m4s')).toHaveLength(1);
    expect(new Set(reloads).size).toBe(1);
    expect(reloads[0]).toContain('#EXT-X-PRELOAD-HINT:TYPE=PART');
    expect(parts.every(([s, body]) => s === 200 && body === '/ll/part101.2.m4s')).toBe(true);

    // The rendition report names a playlist of ours, which works, with the credentials sent.
    const report = /#EXT-X-RENDITION-REPORT:URI="([^"]+)"/.exec(first)![1]!;
    expect(report).toMatch(/^[\w-]+\.m3u8\?token=/);
    const audio = await fetch(new URL(report, url));
    expect(audio.status).toBe(200);
    const audioRequest = received.find((r) => r.url === '/audio/index.m3u8')!;
    expect(audioRequest.headers.authorization).toBe(
      `Basic ${Buffer.from('ll:pw').toString('base64')}`,
    );
  });
});

describe('LL-HLS directives', () => {
  const ll = () => cityCameras()[9]!.id;
  /** The playlist URL with these directives, as a player would ask. */
  async function withDirectives(camera: string, directives: Record<string, string>) {
    const url = new URL(await harness.streamUrl(camera));
    for (const [key, value] of Object.entries(directives)) url.searchParams.set(key, value);
    return url;
  }

  it('are refused (400, naming the parameter) past what the playlist has reached, before going upstream', async () => {
    // The upstream's playlist lists segment 100 in full and two parts of 101 (part target 0.5 s).
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ _HLS_msn: '103' }, '_HLS_msn', /^_HLS_msn 103 is too far ahead/],
      [{ _HLS_msn: '999999999' }, '_HLS_msn', /too far ahead/],
      [{ _HLS_msn: '101', _HLS_part: '8' }, '_HLS_part', /^_HLS_part 8 is too far ahead/],
      [{ _HLS_msn: '100', _HLS_part: '500' }, '_HLS_part', /too far ahead/],
      [{ _HLS_part: '2' }, '_HLS_part', /^_HLS_part needs _HLS_msn$/],
    ];
    const before = received.length;
    for (const [directives, name, message] of cases) {
      const res = await fetch(await withDirectives(ll(), directives));
      expect(res.status, JSON.stringify(directives)).toBe(400);
      const { error } = (await res.json()) as {
        error: { code: string; message: string; fields: { path: string; message: string }[] };
      };
      expect(error.code).toBe('ll_hls_param_out_of_range');
      expect(error.message).toMatch(message);
      expect(error.fields).toEqual([{ path: name, message: error.message }]);
    }
    const asked = received.slice(before).map((r) => r.url!);
    expect(asked.filter((u) => u.includes('_HLS_'))).toEqual([]);

    // Within bounds they pass: the next part, and the first part of the next segment.
    for (const directives of [
      { _HLS_msn: '101', _HLS_part: '2' } as Record<string, string>,
      { _HLS_msn: '102', _HLS_part: '0', _HLS_skip: 'YES' },
    ]) {
      expect((await fetch(await withDirectives(ll(), directives))).status).toBe(200);
    }
    expect(received.slice(before).map((r) => r.url)).toContain(
      '/ll/index.m3u8?_HLS_msn=102&_HLS_part=0&_HLS_skip=YES',
    );
  });

  it('are dropped for an upstream not declared Low-Latency, whose playlist goes out as plain HLS', async () => {
    const camera = cityCameras()[10]!.id;
    const plain = await (await fetch(await harness.streamUrl(camera))).text();
    // Without blocking reloads on offer, players do not send the directives in the first place.
    expect(plain).not.toMatch(/CAN-BLOCK-RELOAD|CAN-SKIP-UNTIL/);
    const before = received.length;
    const res = await fetch(
      await withDirectives(camera, { _HLS_msn: '999999', _HLS_part: '3', _HLS_skip: 'YES' }),
    );
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(/EXT-X-PART|EXT-X-PRELOAD-HINT|EXT-X-SERVER-CONTROL/);
    expect(text).toMatch(/^#EXTINF/m);
    expect(received.slice(before).every((r) => !r.url!.includes('_HLS_'))).toBe(true);
  });
});

describe('segment content types', () => {
  it("are the upstream's, for media types only: anything else is refused (502)", async () => {
    const url = await harness.streamUrl(cityCameras()[11]!.id);
    const playlist = HLS.parse(await (await fetch(url)).text()) as MediaPlaylist;
    const [mp4, html, svg, asPlaylist, none, upper] = playlist.segments.map(
      (s) => new URL(s.uri, url),
    );
    // Named .ts upstream, served as what upstream said it is.
    const fmp4 = await fetch(mp4!);
    expect([fmp4.status, fmp4.headers.get('content-type')]).toEqual([200, 'video/mp4']);
    expect(fmp4.headers.get('x-content-type-options')).toBe('nosniff');
    for (const refused of [html!, svg!, asPlaylist!]) {
      const res = await fetch(refused);
      const text = await res.text();
      expect(res.status).toBe(502);
      expect(JSON.parse(text)).toEqual({
        error: {
          code: 'upstream_content_type',
          message: 'camera upstream answered a segment that is not media',
        },
      });
      expect(text).not.toMatch(/script|svg|EXTM3U|127\.0\.0\.1/);
    }
    const untyped = await fetch(none!);
    expect([untyped.status, untyped.headers.get('content-type')]).toEqual([
      200,
      'application/octet-stream',
    ]);
    const normalised = await fetch(upper!);
    expect(normalised.headers.get('content-type')).toBe('video/mp2t');
  });
});

describe('playlist tags that can carry URLs', () => {
  it('reach the browser rewritten to ours or not at all: no upstream host or credential', async () => {
    const url = await harness.streamUrl(cityCameras()[12]!.id);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of [
      '127.0.0.1',
      String(port()),
      '10.9.8.7',
      'nvr-secret',
      'cam-secret',
      Buffer.from('nvr:nvr-secret').toString('base64'),
      '/tags/',
      'SESSION-DATA',
      'DATERANGE',
      'CONTENT-STEERING',
      'NVR-SNAPSHOT',
      '://',
    ]) {
      expect(text).not.toContain(secret);
    }
    // What stays points back at us: the session key, the rendition, the variant, the I-frames.
    const uris = [...text.matchAll(/URI="([^"]+)"/g)].map((m) => m[1]!);
    const variant = text.split('\n').find((l) => l && !l.startsWith('#'))!;
    expect(uris).toHaveLength(3);
    for (const uri of [...uris, variant]) expect(uri).toMatch(/^[\w-]+\.(m3u8|key|bin)\?token=/);
    const master = HLS.parse(text) as MasterPlaylist;
    // The variant stream and the I-frame playlist (whose URI upstream left unquoted).
    expect(master.variants.map((v) => v.isIFrameOnly ?? false)).toEqual([false, true]);
    expect((await fetch(new URL(variant, url))).status).toBe(200);
  });
});
