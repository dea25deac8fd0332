// Recordings (回放) through the real forwarder from the demo origin's recorder: a time range
// played as VOD, dated so a player shows what was live then; clips exported as MP4 by ffmpeg;
// who may, how far back, and what a bad range is told.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import HLS from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityCameras, hasFfprobe, startHarness, type Harness } from './harness.js';

const run = promisify(execFile);
// Two cameras of the Binjiang street (d01-s01) and one of another district, by the demo's ids.
const INSIDE = cityCameras()
  .filter((c) => c.regionId.startsWith('d01-s01-'))
  .slice(0, 2);
const OUTSIDE = cityCameras().find((c) => c.regionId.startsWith('d02-'))!;
const CAMERA = INSIDE[0]!.id;
let harness: Harness;
const bearers: Record<string, string> = {};

beforeAll(async () => {
  HLS.setOptions({ strictMode: true, silent: true });
  // Demo mode with no registry: the demo origin's live streams and its recorder.
  harness = await startHarness({ cameras: [...INSIDE, OUTSIDE] });
  for (const user of ['grid', 'street', 'leader', 'operator']) {
    bearers[user] = (await harness.auth.login(user, 'citybrain-demo')).token;
  }
});
afterAll(async () => {
  await harness?.stop();
});

async function post(
  path: string,
  body: unknown,
  bearer = harness.bearer,
): Promise<{ status: number; json: any; bytes: Buffer; headers: Headers }> {
  const res = await fetch(`${harness.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    json: type.includes('json') ? JSON.parse(bytes.toString()) : undefined,
    bytes,
    headers: res.headers,
  };
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const seen: string[] = [];
async function get(url: string) {
  const res = await fetch(new URL(url, harness.url));
  const bytes = Buffer.from(await res.arrayBuffer());
  seen.push(bytes.toString('latin1'));
  return { status: res.status, bytes, text: bytes.toString('utf8') };
}

describe('playing recordings back', () => {
  it('plays ten minutes ago as a dated VOD playlist whose every file comes from us', async () => {
    const start = ago(10 * 60_000);
    const end = ago(9 * 60_000);
    const grant = await post(`/api/v1/cameras/${CAMERA}/playback`, { start, end, screen: 'video' });
    expect(grant.status).toBe(200);
    expect(grant.json.start).toBe(start);
    expect(grant.json.end).toBe(end);
    const url = new URL(grant.json.url, harness.url).href;
    expect(new URL(url).pathname).toMatch(new RegExp(`^/streams/${CAMERA}/[A-Za-z0-9_-]+\\.m3u8$`));
    const playlist = await get(url);
    expect(playlist.status).toBe(200);
    const parsed = HLS.parse(playlist.text) as MediaPlaylist;
    expect(parsed.endlist).toBe(true);
    expect(parsed.playlistType).toBe('VOD');
    // One-second segments covering the minute, each dated.
    expect(parsed.segments.length).toBeGreaterThanOrEqual(60);
    expect(parsed.segments.length).toBeLessThanOrEqual(62);
    const first = parsed.segments[0]!.programDateTime!.getTime();
    expect(first).toBeLessThanOrEqual(Date.parse(start));
    // Recorders are asked in whole seconds, and a segment is a second.
    expect(first).toBeGreaterThan(Date.parse(start) - 2_000);
    const last = parsed.segments.at(-1)!;
    expect(last.programDateTime!.getTime() + last.duration * 1000).toBeGreaterThanOrEqual(
      Date.parse(end) - 1,
    );
    for (const s of parsed.segments) {
      expect(new URL(s.uri, url).origin).toBe(harness.url);
    }
    const segment = await get(new URL(parsed.segments[0]!.uri, url).href);
    expect(segment.status).toBe(200);
    expect(segment.bytes.toString('latin1', 4, 8)).toBe('moof');
    // Nothing of the recorder's address or credentials reached the client.
    const origin = harness.streams.origin!.url;
    for (const text of seen) {
      expect(text).not.toContain(origin);
      expect(text).not.toContain('citybrain-nvr-demo');
    }
    const row = harness.audited.at(-1)!;
    expect(row).toMatchObject({ action: 'stream.playback', actor: 'duty', cameraId: CAMERA });
    expect(row.detail).toEqual({ screen: 'video', start, end });
  });

  it('plays back the very bytes that were live at that moment', async () => {
    const liveUrl = await harness.streamUrl(CAMERA);
    const live = await get(liveUrl);
    const parsed = HLS.parse(live.text) as MediaPlaylist;
    // The complete segment before the newest (the one in progress has parts only): the newest
    // may have ended a moment ago, and playback starts at least a second in the past.
    const earlier = parsed.segments.filter((s) => s.uri).at(-2)!;
    const liveSegment = await get(new URL(earlier.uri, liveUrl).href);
    expect(liveSegment.status).toBe(200);
    const at = earlier.programDateTime!.getTime();
    const grant = await post(`/api/v1/cameras/${CAMERA}/playback`, {
      start: new Date(at + 100).toISOString(),
      end: new Date(at + 900).toISOString(),
    });
    expect(grant.status).toBe(200);
    const recordedUrl = new URL(grant.json.url, harness.url).href;
    const recorded = HLS.parse((await get(recordedUrl)).text) as MediaPlaylist;
    // Recorders are asked in whole seconds: the segment that was live at `at` is among those.
    const then = recorded.segments.find((s) => s.programDateTime!.getTime() === at)!;
    expect(then).toBeDefined();
    const segment = await get(new URL(then.uri, recordedUrl).href);
    expect(segment.status).toBe(200);
    expect(segment.bytes.toString('latin1', 4, 8)).toBe('moof');
    expect(segment.bytes.equals(liveSegment.bytes)).toBe(true);
  });

  it('refuses bad ranges naming the field, and writes no audit row for them', async () => {
    const before = harness.audited.length;
    const refused = async (body: unknown, field: string, message: RegExp) => {
      const res = await post(`/api/v1/cameras/${CAMERA}/playback`, body);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('invalid_fields');
      expect(res.json.error.fields[0].path).toBe(field);
      expect(res.json.error.message).toMatch(message);
    };
    await refused({ start: new Date(Date.now() + 60_000).toISOString() }, 'start', /past/);
    await refused({ start: ago(60_000), end: ago(120_000) }, 'end', /after start/);
    await refused({ start: ago(3 * 3_600_000), end: ago(3_600_000) }, 'end', /60 minutes/);
    await refused({ start: ago(31 * 86_400_000) }, 'start', /30 days/);
    await refused({ start: 'yesterday' }, 'start', /./);
    await refused({}, 'start', /./);
    expect(harness.audited.length).toBe(before);
  });

  it('lets the desk, operators and leaders play back, each in their own area', async () => {
    const body = { start: ago(120_000) };
    expect((await post(`/api/v1/cameras/${CAMERA}/playback`, body, bearers.leader)).status).toBe(
      200,
    );
    const grid = await post(`/api/v1/cameras/${CAMERA}/playback`, body, bearers.grid);
    expect(grid.status).toBe(403);
    expect((await post(`/api/v1/cameras/${CAMERA}/playback`, body, bearers.street)).status).toBe(
      200,
    );
    const outside = await post(`/api/v1/cameras/${OUTSIDE.id}/playback`, body, bearers.street);
    expect(outside.status).toBe(403);
    expect(outside.json.error.code).toBe('outside_your_area');
    const unknown = await post(`/api/v1/cameras/no-such-cam/playback`, body);
    expect(unknown.status).toBe(404);
  });
});

describe('exporting a clip', () => {
  it('makes an MP4 of the asked length from the recording, and audits it', async () => {
    if (!(await hasFfprobe())) throw new Error('ffprobe is needed (apt-get install ffmpeg)');
    const start = ago(3 * 60_000);
    const end = new Date(Date.parse(start) + 20_000).toISOString();
    const res = await post(`/api/v1/cameras/${CAMERA}/clips`, { start, end, screen: 'video' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="${CAMERA}_\\d{8}T\\d{6}Z_\\d{8}T\\d{6}Z\\.mp4"$`),
    );
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-clip-'));
    try {
      const file = join(dir, 'clip.mp4');
      writeFileSync(file, res.bytes);
      const { stdout } = await run('ffprobe', [
        ...['-v', 'error', '-show_entries', 'format=duration,format_name:stream=codec_name,width'],
        ...['-of', 'json', file],
      ]);
      const probe = JSON.parse(stdout) as {
        format: { duration: string; format_name: string };
        streams: { codec_name: string; width: number }[];
      };
      expect(probe.format.format_name).toContain('mp4');
      expect(probe.streams[0]).toMatchObject({ codec_name: 'h264', width: 640 });
      // It starts on the keyframe at or before the asked start: at most one segment more.
      const seconds = Number(probe.format.duration);
      expect(seconds).toBeGreaterThanOrEqual(19.9);
      expect(seconds).toBeLessThanOrEqual(21.1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const row = harness.audited.at(-1)!;
    expect(row).toMatchObject({ action: 'clip.exported', actor: 'duty', cameraId: CAMERA });
    expect(row.detail).toMatchObject({ start, end, bytes: res.bytes.length });
    // The file made on the server is gone once sent.
    const work = join(tmpdir(), `citybrain-rtsp-${process.pid}`, 'clips');
    expect(readdirSync(work).filter((f) => f.endsWith('.mp4'))).toEqual([]);
  });

  it('refuses clips without an end, too long, or for roles that may not take evidence away', async () => {
    const before = harness.audited.length;
    const long = await post(`/api/v1/cameras/${CAMERA}/clips`, {
      start: ago(50 * 60_000),
      end: ago(10 * 60_000),
    });
    expect(long.status).toBe(400);
    expect(long.json.error.fields[0]).toMatchObject({ path: 'end' });
    expect(long.json.error.message).toMatch(/30 minutes/);
    const open = await post(`/api/v1/cameras/${CAMERA}/clips`, { start: ago(60_000) });
    expect(open.status).toBe(400);
    expect(open.json.error.fields[0]).toMatchObject({ path: 'end' });
    const body = { start: ago(60_000), end: ago(50_000) };
    expect((await post(`/api/v1/cameras/${CAMERA}/clips`, body, bearers.leader)).status).toBe(403);
    expect((await post(`/api/v1/cameras/${CAMERA}/clips`, body, bearers.grid)).status).toBe(403);
    expect(harness.audited.length).toBe(before);
  });
});
