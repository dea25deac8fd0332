import HLS from 'hls-parser';
import type { MasterPlaylist, MediaPlaylist } from 'hls-parser/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlaylistError, rewritePlaylist, type UriRole } from './playlist.js';

beforeAll(() => HLS.setOptions({ strictMode: true, silent: true }));

const BASE = 'http://nvr.local:8888/cam-7/video/index.m3u8?session=abc';

/** Maps each URI to a visible marker naming its role, so tests can read what happened. */
function rewrite(text: string, lowLatency = true) {
  const seen: { url: string; role: UriRole }[] = [];
  const result = rewritePlaylist(
    text,
    BASE,
    (url, role) => {
      seen.push({ url, role });
      const kind = role.blocking ? 'hint' : role.kind;
      return `${kind}-${seen.length}.${role.kind === 'playlist' ? 'm3u8' : 'ts'}?token=T`;
    },
    { lowLatency },
  );
  return { ...result, seen };
}

const LL_HLS = `#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:4
#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=3.0,CAN-SKIP-UNTIL=24
#EXT-X-PART-INF:PART-TARGET=1.0
#EXT-X-MEDIA-SEQUENCE:266
#EXT-X-MAP:URI="init.mp4"
#EXT-X-KEY:METHOD=AES-128,URI="https://nvr.local:8888/keys/k1?x=1",IV=0x00000000000000000000000000000001
#EXT-X-PROGRAM-DATE-TIME:2026-11-22T08:00:00.000Z
#EXTINF:4.00008,
fileSequence266.mp4
#EXTINF:4.00008,
/cam-7/video/fileSequence267.mp4
#EXT-X-PART:DURATION=1.0,URI="filePart268.0.mp4",INDEPENDENT=YES
#EXT-X-PART:DURATION=1.0,URI="filePart268.1.mp4"
#EXT-X-PRELOAD-HINT:TYPE=PART,URI="filePart268.2.mp4"
#EXT-X-RENDITION-REPORT:URI="../audio/index.m3u8",LAST-MSN=267,LAST-PART=1
`;

describe('rewriting playlists', () => {
  it('points every URI of an LL-HLS media playlist back at us and keeps every tag', () => {
    const { text, info, seen } = rewrite(LL_HLS);
    expect(seen.map((s) => s.url)).toEqual([
      'http://nvr.local:8888/cam-7/video/init.mp4',
      'https://nvr.local:8888/keys/k1?x=1',
      'http://nvr.local:8888/cam-7/video/fileSequence266.mp4',
      'http://nvr.local:8888/cam-7/video/fileSequence267.mp4',
      'http://nvr.local:8888/cam-7/video/filePart268.0.mp4',
      'http://nvr.local:8888/cam-7/video/filePart268.1.mp4',
      'http://nvr.local:8888/cam-7/video/filePart268.2.mp4',
      'http://nvr.local:8888/cam-7/audio/index.m3u8',
    ]);
    expect(seen.filter((s) => s.role.blocking).map((s) => s.url)).toEqual([
      'http://nvr.local:8888/cam-7/video/filePart268.2.mp4',
    ]);
    expect(seen.at(-1)!.role.kind).toBe('playlist');
    expect(text).not.toMatch(/nvr\.local|fileSequence|filePart|init\.mp4|session=/);
    for (const tag of ['SERVER-CONTROL', 'PART-INF', 'PROGRAM-DATE-TIME', 'PRELOAD-HINT']) {
      expect(text).toContain(`#EXT-X-${tag}`);
    }
    expect(info).toEqual({
      master: false,
      targetDuration: 4,
      partTarget: 1,
      nextMsn: 268,
      lastPart: { msn: 268, index: 1 },
      endList: false,
    });

    const parsed = HLS.parse(text) as MediaPlaylist;
    expect(parsed.mediaSequenceBase).toBe(266);
    // The parser models the parts after the last whole segment as a segment still being made.
    const [first, second, growing] = parsed.segments;
    expect([first!.uri, second!.uri]).toEqual(['media-3.ts?token=T', 'media-4.ts?token=T']);
    expect(first!.map.uri).toBe('media-1.ts?token=T');
    expect(first!.key!.uri).toBe('media-2.ts?token=T');
    expect(growing!.parts.map((p) => [p.uri, p.hint])).toEqual([
      ['media-5.ts?token=T', false],
      ['media-6.ts?token=T', false],
      ['hint-7.ts?token=T', true],
    ]);
    expect(parsed.renditionReports[0]!.uri).toBe('playlist-8.m3u8?token=T');
  });

  it('offers blocking reloads and parts only for an upstream that serves Low-Latency HLS', () => {
    const { text } = rewrite(LL_HLS, false);
    expect(text).not.toMatch(/SERVER-CONTROL|CAN-BLOCK-RELOAD|CAN-SKIP-UNTIL|PART-HOLD-BACK/);
    expect(text).not.toMatch(/EXT-X-PART|EXT-X-PRELOAD-HINT|EXT-X-RENDITION-REPORT/);
    // The segments themselves are all there.
    expect(text.match(/^#EXTINF/gm)?.length).toBe(LL_HLS.match(/^#EXTINF/gm)?.length);
    expect(rewrite(LL_HLS).text).toContain(
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=3.0,CAN-SKIP-UNTIL=24',
    );
  });

  it('drops or rewrites every tag that can carry a URL, and forwards no tag it does not know', () => {
    const { text, seen } = rewrite(`#EXTM3U
#EXT-X-VERSION:9
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-SESSION-DATA:DATA-ID="com.nvr.info",URI="http://nvr.local:8888/info.json"
#EXT-X-SESSION-DATA:DATA-ID="com.nvr.src",VALUE="rtsp://admin:pw@10.0.9.42/ch1"
#EXT-X-SESSION-KEY:METHOD=AES-128,URI="/keys/session"
#EXT-X-CONTENT-STEERING:SERVER-URI="http://nvr.local:8888/steer",PATHWAY-ID="a"
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:7
#EXT-X-DATERANGE:ID="ad",CLASS="com.apple.hls.interstitial",START-DATE="2026-11-22T08:00:00Z",X-ASSET-URI="http://ads.example/ad.m3u8"
#EXT-X-DATERANGE:ID="list",START-DATE="2026-11-22T08:00:00Z",X-ASSET-LIST="http://nvr.local:8888/list.json"
#EXT-X-DATERANGE:ID="cue",START-DATE="2026-11-22T08:00:00Z",X-COM-NVR-SOURCE="rtsp://admin:pw@10.0.9.42"
#EXT-X-KEY:METHOD=AES-128,URI=http://nvr.local:8888/keys/unquoted,KEYFORMAT="identity"
#EXT-X-MAP:URI="init.mp4",X-SOURCE="http://nvr.local:8888/raw"
#EXT-X-NVR-THUMBNAILS:URI="http://nvr.local:8888/thumbs.jpg"
#EXT-X-CUE-OUT:DURATION=30,URL="http://ads.example/x"
#EXT-X-ALLOW-CACHE:YES
#EXTINF:2.000,rtsp://admin:pw@10.0.9.42/Streaming/Channels/101
seg7.ts
#EXT-X-GAP
#EXTINF:2.000,
seg8.ts
`);
    expect(seen.map((s) => s.url)).toEqual([
      'http://nvr.local:8888/keys/session',
      'http://nvr.local:8888/keys/unquoted',
      'http://nvr.local:8888/cam-7/video/init.mp4',
      'http://nvr.local:8888/cam-7/video/seg7.ts',
      'http://nvr.local:8888/cam-7/video/seg8.ts',
    ]);
    expect(text).toBe(`#EXTM3U
#EXT-X-VERSION:9
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-SESSION-KEY:METHOD=AES-128,URI="media-1.ts?token=T"
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:7
#EXT-X-KEY:METHOD=AES-128,URI="media-2.ts?token=T",KEYFORMAT="identity"
#EXT-X-MAP:URI="media-3.ts?token=T"
#EXTINF:2.000,
media-4.ts?token=T
#EXT-X-GAP
#EXTINF:2.000,
media-5.ts?token=T
`);
  });

  it('refuses variables (EXT-X-DEFINE), which could spell out upstream addresses', () => {
    expect(() =>
      rewrite('#EXTM3U\n#EXT-X-DEFINE:NAME="h",VALUE="http://nvr.local"\n#EXTINF:2,\n{$h}/a.ts\n'),
    ).toThrow(/EXT-X-DEFINE/);
  });

  it('rewrites a master playlist: variants, renditions and I-frame playlists', () => {
    const { text, info, seen } = rewrite(`#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="main",DEFAULT=YES,URI="audio/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud"
720p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=600000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="aud"
http://nvr.local:8888/cam-7/360p/index.m3u8
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=100000,CODECS="avc1.64001f",URI="iframes.m3u8"
#EXT-X-CONTENT-STEERING:SERVER-URI="https://steer.example/x.json"
`);
    expect(info.master).toBe(true);
    expect(seen.every((s) => s.role.kind === 'playlist')).toBe(true);
    expect(seen.filter((s) => s.role.variant).map((s) => s.url)).toEqual([
      'http://nvr.local:8888/cam-7/video/720p/index.m3u8',
      'http://nvr.local:8888/cam-7/360p/index.m3u8',
    ]);
    expect(text).not.toMatch(/nvr\.local|steer|CONTENT-STEERING/);
    const parsed = HLS.parse(text) as MasterPlaylist;
    expect(parsed.variants.map((v) => v.uri)).toEqual([
      'playlist-2.m3u8?token=T',
      'playlist-3.m3u8?token=T',
      'playlist-4.m3u8?token=T',
    ]);
  });

  it('counts skipped segments of a delta update and sees the end of a stream', () => {
    const { info } = rewrite(`#EXTM3U
#EXT-X-VERSION:9
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:10
#EXT-X-SKIP:SKIPPED-SEGMENTS=4
#EXTINF:2,
14.ts
#EXT-X-ENDLIST
`);
    expect(info).toMatchObject({ nextMsn: 15, endList: true });
  });

  it('drops comments, which may carry upstream details, and tolerates CRLF and a BOM', () => {
    const { text } = rewrite(
      '\uFEFF#EXTM3U\r\n# served by nvr.local\r\n#EXT-X-TARGETDURATION:2\r\n#EXTINF:2,\r\na.ts\r\n',
    );
    expect(text).toBe('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nmedia-1.ts?token=T\n');
  });

  it('leaves inline data and DRM key URIs to the player', () => {
    const { text, seen } = rewrite(
      '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-1",KEYFORMAT="com.apple.streamingkeydelivery"\n#EXTINF:2,\na.ts\n',
    );
    expect(text).toContain('URI="skd://key-1"');
    expect(seen).toHaveLength(1);
  });

  it('refuses what is not a playlist, and URIs of another scheme', () => {
    expect(() => rewrite('<html>login</html>')).toThrow(PlaylistError);
    expect(() => rewrite('#EXTM3U\n#EXTINF:2,\nftp://nvr.local/a.ts\n')).toThrow(PlaylistError);
    expect(() => rewrite('#EXTM3U\n#EXT-X-TARGETDURATION:two\n')).toThrow(PlaylistError);
    expect(() => rewrite('#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="a"b\n')).toThrow(
      /malformed EXT-X-KEY/,
    );
    expect(() => rewrite('#EXTM3U\n#EXT-X-PROGRAM-DATE-TIME:http://nvr.local/\n')).toThrow(
      PlaylistError,
    );
  });
});
