import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { buildRegistry } from './registry.js';

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
});
