import { describe, expect, it } from 'vitest';
import { clipFiles } from './clips.js';
import { recordedFiles, rewritePlaylist } from './playlist.js';

// A recorder's answer for 08:00:00.6–08:00:20: it cut at whole seconds of its own, so its
// playlist starts with the segment from 07:59:59.4, which holds none of the asked range.
const RECORDING = [
  '#EXTM3U',
  '#EXT-X-VERSION:7',
  '#EXT-X-TARGETDURATION:1',
  '#EXT-X-PLAYLIST-TYPE:VOD',
  '#EXT-X-MAP:URI="init.mp4"',
  '#EXT-X-PROGRAM-DATE-TIME:2026-12-03T07:59:59.400Z',
  '#EXTINF:1.000,camera title',
  '100.m4s',
  '#EXTINF:1.000,',
  '101.m4s',
  '#EXTINF:1.000,',
  '102.m4s',
  '#EXT-X-ENDLIST',
].join('\n');
const at = (clock: string) => Date.parse(`2026-12-03T${clock}Z`);

function files() {
  const { text } = rewritePlaylist(RECORDING, 'http://nvr.example/vod/cam/index.m3u8', (u) => u);
  return recordedFiles(text);
}

describe('a recording read for a clip', () => {
  it('lists the init section once and dates every segment from the program date time', () => {
    expect(files()).toEqual([
      { kind: 'init', url: 'http://nvr.example/vod/cam/init.mp4' },
      {
        kind: 'segment',
        url: 'http://nvr.example/vod/cam/100.m4s',
        seconds: 1,
        start: at('07:59:59.400'),
      },
      {
        kind: 'segment',
        url: 'http://nvr.example/vod/cam/101.m4s',
        seconds: 1,
        start: at('08:00:00.400'),
      },
      {
        kind: 'segment',
        url: 'http://nvr.example/vod/cam/102.m4s',
        seconds: 1,
        start: at('08:00:01.400'),
      },
    ]);
  });

  it('starts a clip with the segment holding the asked start, after its init section', () => {
    expect(clipFiles(files(), at('08:00:00.600'))).toEqual({
      files: [
        'http://nvr.example/vod/cam/init.mp4',
        'http://nvr.example/vod/cam/101.m4s',
        'http://nvr.example/vod/cam/102.m4s',
      ],
      from: at('08:00:00.400'),
    });
    // A start on a segment's first moment starts with that segment.
    expect(clipFiles(files(), at('08:00:01.400')).files.slice(1)).toEqual([
      'http://nvr.example/vod/cam/102.m4s',
    ]);
  });

  it('counts the byte ranges of one file as one segment as long as all of them', () => {
    const ranged = RECORDING.replace(
      '101.m4s\n#EXTINF:1.000,\n102.m4s',
      '101.m4s\n#EXTINF:1.000,\n#EXT-X-BYTERANGE:500@0\nall.m4s\n#EXTINF:1.000,\n#EXT-X-BYTERANGE:500@500\nall.m4s',
    );
    const { text } = rewritePlaylist(ranged, 'http://nvr.example/r/index.m3u8', (u) => u);
    // 08:00:02.6 lies in the second range: the file of both is kept.
    expect(clipFiles(recordedFiles(text), at('08:00:02.600'))).toEqual({
      files: ['http://nvr.example/r/init.mp4', 'http://nvr.example/r/all.m4s'],
      from: at('08:00:01.400'),
    });
  });

  it('keeps everything from where dates are lost, and finds nothing after the last segment', () => {
    const undated = RECORDING.replace(/#EXT-X-PROGRAM-DATE-TIME:.*\n/, '');
    const { text } = rewritePlaylist(undated, 'http://nvr.example/v/index.m3u8', (u) => u);
    const clip = clipFiles(recordedFiles(text), at('08:00:00.600'));
    expect(clip.files).toHaveLength(4);
    expect(clip.from).toBe(at('08:00:00.600'));
    expect(clipFiles(files(), at('08:00:02.400')).files).toEqual([]);
  });
});
