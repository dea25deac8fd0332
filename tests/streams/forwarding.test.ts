import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import HLS from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoOrigin } from '../../server/streams/demo-origin.js';
import {
  cityCameras,
  ORIGIN_PASSWORD,
  ORIGIN_USER,
  probeVideo,
  startHarness,
  startOrigin,
  type Harness,
} from './harness.js';

const CAMERAS = cityCameras().slice(0, 4);
let harness: Harness;
let origin: DemoOrigin;
let requests: Map<string, number>;

beforeAll(async () => {
  HLS.setOptions({ strictMode: true, silent: true });
  ({ origin, requests } = await startOrigin(CAMERAS.map((c) => c.id)).then(async (o) => {
    harness = await startHarness({ cameras: CAMERAS, registry: o.registry });
    return o;
  }));
});
afterAll(async () => {
  await harness.stop();
  await origin.stop();
});

/** Everything a client was sent, to search for anything of the upstream's. */
const seen: string[] = [];
async function get(url: string): Promise<{ status: number; text: string; bytes: Buffer }> {
  const res = await fetch(url);
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('latin1');
  seen.push(JSON.stringify([...res.headers]), text);
  return { status: res.status, text, bytes };
}

function segmentsOf(playlistUrl: string, text: string) {
  const playlist = HLS.parse(text) as MediaPlaylist;
  return playlist.segments.map((s) => ({
    msn: s.mediaSequenceNumber,
    url: new URL(s.uri, playlistUrl).href,
  }));
}

describe('forwarding live HLS from the camera origin', () => {
  it('serves a playlist a real HLS parser reads, pointing only back at us, with valid segments', async () => {
    const url = await harness.streamUrl(CAMERAS[0]!.id);
    expect(new URL(url).pathname).toBe(`/streams/${CAMERAS[0]!.id}/index.m3u8`);
    const res = await get(url);
    expect(res.status).toBe(200);
    const playlist = HLS.parse(res.text) as MediaPlaylist;
    expect(playlist.isMasterPlaylist).toBe(false);
    expect(playlist.targetDuration).toBe(1);
    expect(playlist.segments).toHaveLength(6);
    const msns = playlist.segments.map((s) => s.mediaSequenceNumber);
    expect(msns).toEqual(msns.map((_, i) => playlist.mediaSequenceBase! + i));
    for (const s of playlist.segments) {
      const abs = new URL(s.uri, url);
      expect(abs.origin).toBe(harness.url);
      expect(abs.pathname).toMatch(new RegExp(`^/streams/${CAMERAS[0]!.id}/[A-Za-z0-9_-]+\\.m4s$`));
      expect(abs.searchParams.get('token')).toBe(new URL(url).searchParams.get('token'));
    }

    const last = playlist.segments.at(-1)!;
    const segment = await get(new URL(last.uri, url).href);
    expect(segment.status).toBe(200);
    expect(segment.bytes.toString('latin1', 4, 8)).toBe('moof'); // a CMAF fragment
    const init = await get(new URL(last.map!.uri, url).href);
    expect(init.bytes.toString('latin1', 4, 8)).toBe('ftyp');
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-seg-'));
    try {
      writeFileSync(join(dir, 'seg.mp4'), Buffer.concat([init.bytes, segment.bytes]));
      const video = await probeVideo(join(dir, 'seg.mp4'));
      if (!video) console.warn('ffprobe is not installed: segment validity not checked by ffprobe');
      else expect(video).toEqual({ codec_name: 'h264', width: 640, height: 360 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fetches each segment from upstream once for 50 concurrent viewers', async () => {
    const camera = CAMERAS[1]!.id;
    const urls = await Promise.all(Array.from({ length: 50 }, () => harness.streamUrl(camera)));
    const got = new Map<number, number>();
    const viewerRounds = async (url: string) => {
      for (let round = 0; round < 3; round++) {
        const playlist = await get(url);
        expect(playlist.status).toBe(200);
        const results = await Promise.all(
          segmentsOf(url, playlist.text).map(async (s) => ({ ...s, res: await get(s.url) })),
        );
        for (const { msn, res } of results) {
          expect(res.status).toBe(200);
          got.set(msn, (got.get(msn) ?? 0) + 1);
        }
        await new Promise((r) => setTimeout(r, 1_000));
      }
    };
    await Promise.all(urls.map(viewerRounds));

    const segmentFetches = [...requests].filter(([path]) => path.startsWith(`/cam/${camera}/`));
    const perSegment = segmentFetches.filter(([path]) => /\/\d+\.m4s$/.test(path));
    expect(perSegment.length).toBeGreaterThanOrEqual(7);
    expect(perSegment.every(([, n]) => n === 1)).toBe(true);
    expect(perSegment.length).toBe(got.size);
    // 150 playlist requests, a few upstream fetches (one per half target duration at most).
    const playlistFetches = segmentFetches.find(([p]) => p.endsWith('index.m3u8'))?.[1] ?? 0;
    expect(playlistFetches).toBeLessThan(20);

    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toMatch(/citybrain_stream_upstream_requests_total\{kind="segment"\} \d+/);
    expect(metrics).toMatch(
      /citybrain_stream_cache_hits_total\{kind="segment",via="(memory|shared)"\}/,
    );
    expect(metrics).toMatch(/citybrain_stream_cache_misses_total\{kind="segment"\} \d+/);
    expect(metrics).toMatch(/citybrain_stream_bytes_served_total\{kind="segment"\} \d+/);
  });

  it('counts active viewers per camera on the metrics page', async () => {
    const url = await harness.streamUrl(CAMERAS[2]!.id);
    await get(url);
    await new Promise((r) => setTimeout(r, 2_200));
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    expect(metrics).toContain(`citybrain_stream_viewers{camera="${CAMERAS[2]!.id}"} 1`);
  });

  it('answers byte ranges of a segment', async () => {
    const url = await harness.streamUrl(CAMERAS[0]!.id);
    const [last] = segmentsOf(url, (await get(url)).text).slice(-1);
    const whole = await get(last!.url);
    const res = await fetch(last!.url, { headers: { range: 'bytes=188-375' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 188-375/${whole.bytes.length}`);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(whole.bytes.subarray(188, 376));
  });

  it('never shows the client the upstream address or its credentials', () => {
    const all = seen.join('\n');
    const originHost = new URL(origin.url).host;
    expect(seen.length).toBeGreaterThan(100);
    for (const secret of [
      originHost,
      `:${new URL(origin.url).port}/`,
      ORIGIN_USER,
      ORIGIN_PASSWORD,
      Buffer.from(`${ORIGIN_USER}:${ORIGIN_PASSWORD}`).toString('base64'),
      '/cam/',
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
