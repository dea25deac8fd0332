import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { buildRegistry, playbackUrl } from './registry.js';

const IDS = ['cam-0001', 'cam-0002', 'cam-0003'];

describe('the camera registry', () => {
  it('maps cameras explicitly and through a template (Low-Latency HLS only where said), and reports ids the city lacks', () => {
    const { registry, unknownIds } = buildRegistry(
      {
        template: {
          hls: 'http://mediamtx.lan:8888/{id}/index.m3u8',
          username: 'viewer',
          password: 'pw',
          lowLatency: true,
        },
        cameras: [
          { id: 'cam-0002', rtsp: 'rtsp://admin:12345@10.0.0.9:554/Streaming/Channels/101' },
          { id: 'cam-0003', hls: 'https://nvr.lan/live/3.m3u8', headers: { 'X-Api-Key': 'k' } },
          { id: 'cam-9999', hls: 'http://nvr.lan/9999.m3u8' },
        ],
      },
      IDS,
    );
    expect(registry.get('cam-0001')).toEqual({
      kind: 'hls',
      url: 'http://mediamtx.lan:8888/cam-0001/index.m3u8',
      headers: { Authorization: `Basic ${Buffer.from('viewer:pw').toString('base64')}` },
      lowLatency: true,
    });
    expect(registry.get('cam-0002')).toEqual({
      kind: 'rtsp',
      url: 'rtsp://admin:12345@10.0.0.9:554/Streaming/Channels/101',
    });
    expect(registry.get('cam-0003')).toEqual({
      kind: 'hls',
      url: 'https://nvr.lan/live/3.m3u8',
      headers: { 'X-Api-Key': 'k' },
      lowLatency: false,
    });
    expect(unknownIds).toEqual(['cam-9999']);
  });

  it('moves credentials out of an HLS URL into a Basic header', () => {
    const { registry } = buildRegistry(
      { cameras: [{ id: 'cam-0001', hls: 'http://us%40r:p%3Ass@nvr.lan/1.m3u8' }] },
      IDS,
    );
    expect(registry.get('cam-0001')).toEqual({
      kind: 'hls',
      url: 'http://nvr.lan/1.m3u8',
      headers: { Authorization: `Basic ${Buffer.from('us@r:p:ss').toString('base64')}` },
      lowLatency: false,
    });
  });

  it('names bad entries without echoing their values', () => {
    const bad = () =>
      buildRegistry(
        { cameras: [{ id: 'cam-0001', hls: 'ftp://admin:topsecret@nvr.lan/1.m3u8' }] },
        IDS,
      );
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/cameras\.0\.hls: must be an http\(s\) URL/);
    expect(bad).not.toThrow(/topsecret/);
    expect(() => buildRegistry({ cameras: [{ id: 'cam-0001', url: 'x' }] }, IDS)).toThrow(
      /invalid camera registry/,
    );
  });

  it('takes a playback template per camera or for all, its credentials moved into a header', () => {
    const { registry } = buildRegistry(
      {
        template: {
          hls: 'http://mediamtx.lan:8888/{id}/index.m3u8',
          playback: {
            hls: 'http://rec:pw@nvr.lan/vod/{id}.m3u8?starttime={startCompact}&endtime={endCompact}',
          },
        },
        cameras: [
          {
            id: 'cam-0002',
            rtsp: 'rtsp://10.0.0.9/1',
            playback: { hls: 'http://zlm.lan/record/{id}.m3u8?s={startUnix}&d={duration}' },
          },
        ],
      },
      IDS,
    );
    const one = registry.get('cam-0001')!.playback!;
    expect(one.template).toBe(
      'http://nvr.lan/vod/cam-0001.m3u8?starttime={startCompact}&endtime={endCompact}',
    );
    expect(one.headers).toEqual({
      Authorization: `Basic ${Buffer.from('rec:pw').toString('base64')}`,
    });
    // Whole seconds: the start rounded down, the end up.
    const start = new Date('2026-12-03T08:00:00.400Z');
    const end = new Date('2026-12-03T08:10:00.200Z');
    expect(playbackUrl(one, start, end)).toBe(
      'http://nvr.lan/vod/cam-0001.m3u8?starttime=20261203T080000Z&endtime=20261203T081001Z',
    );
    const two = registry.get('cam-0002')!.playback!;
    expect(playbackUrl(two, start, end)).toBe(
      `http://zlm.lan/record/cam-0002.m3u8?s=${Date.parse('2026-12-03T08:00:00Z') / 1000}&d=601`,
    );
    expect(registry.get('cam-0003')!.playback).toBeDefined();
  });

  it('refuses a playback template without a start time or with an unknown placeholder', () => {
    const entry = (hls: string) => ({
      cameras: [{ id: 'cam-0001', hls: 'http://a/1.m3u8', playback: { hls } }],
    });
    expect(() => buildRegistry(entry('http://nvr.lan/vod/{id}.m3u8'), IDS)).toThrow(
      /cameras\.0\.playback\.hls: must name the start time/,
    );
    expect(() => buildRegistry(entry('http://nvr.lan/vod.m3u8?s={start}&t={when}'), IDS)).toThrow(
      /playback\.hls: unknown placeholder/,
    );
    expect(() => buildRegistry(entry('ftp://nvr.lan/vod.m3u8?s={start}'), IDS)).toThrow(
      /playback\.hls: must be an http\(s\) URL/,
    );
  });
});
