import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import HLS from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIPS_DIR, type DemoOrigin } from '../../server/streams/demo-origin.js';
import { findFfmpeg, rtspAnswers, RtspSessions } from '../../server/streams/rtsp.js';
import { waitFor } from '../support/server.js';
import {
  cityCameras,
  ORIGIN_PASSWORD,
  ORIGIN_USER,
  probeVideo,
  startHarness,
  startOrigin,
} from './harness.js';

const ffmpeg = findFfmpeg(undefined);
const CAMERA = cityCameras()[0]!.id;
let origin: DemoOrigin;
let work: string;

beforeAll(async () => {
  HLS.setOptions({ strictMode: true, silent: true });
  ({ origin } = await startOrigin([CAMERA]));
  work = mkdtempSync(join(tmpdir(), 'citybrain-rtsp-test-'));
});
afterAll(async () => {
  await origin.stop();
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!ffmpeg)('on-demand transmux (ffmpeg)', () => {
  // No RTSP server ships with Debian's ffmpeg, so the transmux reads the demo origin's HLS: the
  // session life cycle (start on first viewer, share, stop when idle) is the same for any input.
  it('starts on the first viewer, is shared by the next, copies the video and stops when idle', async () => {
    const sessions = new RtspSessions({ ffmpeg, workDir: work, idleMs: 1_500, transport: 'tcp' });
    sessions.start();
    const input = origin.playlistUrl(CAMERA).replace('//', `//${ORIGIN_USER}:${ORIGIN_PASSWORD}@`);
    const upstream = sessions.upstream(CAMERA, input);
    const options = { timeoutMs: 10_000, maxBytes: 1 << 20 };
    try {
      const [a, b] = await Promise.all([
        upstream.fetch(upstream.entry, options),
        upstream.fetch(upstream.entry, options),
      ]);
      expect(sessions.running).toBe(1);
      expect(a.body.toString()).toMatch(/^#EXTM3U/);
      const playlist = HLS.parse(b.body.toString()) as MediaPlaylist;
      expect(playlist.segments.length).toBeGreaterThan(0);
      const segmentUrl = new URL(playlist.segments[0]!.uri, upstream.entry).href;
      expect(upstream.contains(segmentUrl)).toBe(true);
      const segment = await upstream.fetch(segmentUrl, { ...options, maxBytes: 16 << 20 });
      const file = join(work, 'probe.ts');
      writeFileSync(file, segment.body);
      const video = await probeVideo(file);
      if (!video) console.warn('ffprobe is not installed: transmuxed segment not checked');
      // Stream copy: the camera's own H.264 at its own size, not a re-encode.
      else expect(video).toEqual({ codec_name: 'h264', width: 640, height: 360 });

      await waitFor(() => sessions.running === 0, 6_000, 'the idle transmux to stop');
      expect(existsSync(new URL(upstream.entry).pathname)).toBe(false);
    } finally {
      await sessions.stop();
    }
  }, 30_000);
});

describe('RTSP cameras through the forwarder', () => {
  it('report clearly when the server has no ffmpeg, and show offline', async () => {
    const camera = cityCameras()[1]!;
    const harness = await startHarness({
      cameras: [camera],
      config: { ffmpegPath: '/nonexistent/ffmpeg' },
      registry: { cameras: [{ id: camera.id, rtsp: 'rtsp://admin:pw@127.0.0.1:9/ch1' }] },
    });
    try {
      const res = await fetch(`${harness.url}/api/v1/cameras/${camera.id}/stream`, {
        method: 'POST',
        headers: { authorization: `Bearer ${harness.bearer}` },
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({
        error: 'RTSP camera needs ffmpeg, which this server does not have',
      });
      await waitFor(() => harness.reported.length > 0, 5_000, 'a status');
      expect(harness.reported).toEqual([{ cameraId: camera.id, status: 'offline' }]);
    } finally {
      await harness.stop();
    }
  });

  it.skipIf(!ffmpeg)('answer 502 when the RTSP camera cannot be reached', async () => {
    const camera = cityCameras()[2]!;
    const harness = await startHarness({
      cameras: [camera],
      registry: { cameras: [{ id: camera.id, rtsp: 'rtsp://admin:pw@127.0.0.1:9/ch1' }] },
    });
    try {
      const url = await harness.streamUrl(camera.id);
      const res = await fetch(url);
      expect(res.status).toBe(502);
      const body = await res.text();
      expect(body).toBe('{"error":"camera upstream unreachable"}');
    } finally {
      await harness.stop();
    }
  });
});

describe('the RTSP health probe', () => {
  it('counts any RTSP answer as reachable, and silence or refusal as not', async () => {
    const answering = createServer((socket) =>
      socket.once('data', () => socket.end('RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n\r\n')),
    );
    const silent = createServer(() => {});
    const http = createServer((socket) =>
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')),
    );
    const servers = [answering, silent, http];
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
    const url = (s: typeof answering) =>
      `rtsp://admin:pw@127.0.0.1:${(s.address() as AddressInfo).port}/ch1`;
    try {
      expect(await rtspAnswers(url(answering), 1_000)).toBe(true);
      const started = Date.now();
      expect(await rtspAnswers(url(silent), 300)).toBe(false);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await rtspAnswers(url(http), 1_000)).toBe(false);
      expect(await rtspAnswers('rtsp://127.0.0.1:9/ch1', 1_000)).toBe(false);
    } finally {
      for (const s of servers) s.close();
    }
  });
});

const rtspServer = spawnSync('sh', ['-c', 'command -v rtsp-server-perl']).status === 0;

// A real RTSP camera where Debian's rtsp-server-perl is installed (CI does not install it):
// ffmpeg pushes a clip into it, and the transmux pulls it back out over RTSP.
describe.skipIf(!ffmpeg || !rtspServer)('a real RTSP camera (rtsp-server-perl)', () => {
  it('is transmuxed to HLS by stream copy', async () => {
    const [clientPort, sourcePort] = [28554, 28555];
    const children: ChildProcess[] = [];
    const sessions = new RtspSessions({ ffmpeg, workDir: work, idleMs: 5_000, transport: 'udp' });
    try {
      children.push(
        spawn('rtsp-server-perl', [
          ...['-c', String(clientPort), '-s', String(sourcePort)],
          ...['--client_listen_address', '127.0.0.1', '--source_listen_address', '127.0.0.1'],
        ]),
      );
      await new Promise((r) => setTimeout(r, 1_500));
      const list = join(work, 'clip.txt');
      const clip = join(DEFAULT_CLIPS_DIR, 'clip-01');
      writeFileSync(list, [0, 1, 2, 3].map((i) => `file '${clip}/seg-00${i}.ts'`).join('\n'));
      children.push(
        spawn(ffmpeg!, [
          ...['-loglevel', 'error', '-re', '-stream_loop', '-1', '-f', 'concat', '-safe', '0'],
          ...['-i', list, '-c', 'copy', '-f', 'rtsp', '-rtsp_transport', 'udp'],
          `rtsp://127.0.0.1:${sourcePort}/cam`,
        ]),
      );
      await new Promise((r) => setTimeout(r, 2_000));
      const upstream = sessions.upstream('rtsp-cam', `rtsp://127.0.0.1:${clientPort}/cam`);
      const playlist = HLS.parse(
        (
          await upstream.fetch(upstream.entry, { timeoutMs: 10_000, maxBytes: 1 << 20 })
        ).body.toString(),
      ) as MediaPlaylist;
      const segment = await upstream.fetch(
        new URL(playlist.segments[0]!.uri, upstream.entry).href,
        {
          timeoutMs: 10_000,
          maxBytes: 16 << 20,
        },
      );
      const file = join(work, 'rtsp.ts');
      writeFileSync(file, segment.body);
      const video = await probeVideo(file);
      if (!video) console.warn('ffprobe is not installed: transmuxed segment not checked');
      else expect(video).toEqual({ codec_name: 'h264', width: 640, height: 360 });
    } finally {
      await sessions.stop();
      for (const child of children) child.kill('SIGKILL');
    }
  }, 30_000);
});
