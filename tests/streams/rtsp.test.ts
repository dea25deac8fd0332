import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import HLS from 'hls-parser';
import type { MediaPlaylist } from 'hls-parser/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIPS_DIR, type DemoOrigin } from '../../server/streams/demo-origin.js';
import { concatScript, findFfmpeg, rtspAnswers, RtspSessions } from '../../server/streams/rtsp.js';
import { UpstreamError } from '../../server/streams/upstream.js';
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
const [CAMERA, OTHER] = cityCameras()
  .slice(0, 2)
  .map((c) => c.id) as [string, string];
const FETCH = { timeoutMs: 10_000, maxBytes: 1 << 20 };
let origin: DemoOrigin;
let work: string;

beforeAll(async () => {
  HLS.setOptions({ strictMode: true, silent: true });
  ({ origin } = await startOrigin([CAMERA, OTHER]));
  work = mkdtempSync(join(tmpdir(), 'citybrain-rtsp-test-'));
});
afterAll(async () => {
  await origin.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The command lines of the ffmpeg processes this test process started, as `ps` shows them. */
function ffmpegCommandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [, comm, ppid] = /^\d+ \((.*)\) \S (\d+)/.exec(stat) ?? [];
      if (comm !== 'ffmpeg' || Number(ppid) !== process.pid) continue;
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return lines;
}

/** Polls an asynchronous check until it holds. */
async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An origin playlist URL with the origin's credentials in it, as a registry might give one. */
const withCredentials = (cameraId: string) =>
  origin.playlistUrl(cameraId).replace('//', `//${ORIGIN_USER}:${ORIGIN_PASSWORD}@`);

describe('the ffconcat script that names a transmux input', () => {
  it('quotes the URL so that any character of a password stays in it', () => {
    expect(concatScript("rtsp://admin:it's@cam/1", { rtsp_transport: 'tcp' })).toBe(
      "ffconcat version 1.0\nfile 'rtsp://admin:it'\\''s@cam/1'\noption rtsp_transport 'tcp'\n",
    );
    expect(() => concatScript('rtsp://cam/1\noption x y', {})).toThrow(UpstreamError);
  });
});

describe.skipIf(!ffmpeg)('on-demand transmux (ffmpeg)', () => {
  // The transmux reads the demo origin's HLS here, which demands Basic auth: the session life
  // cycle (start on first viewer, share, stop when idle) is the same for any input, and the
  // credentials must reach the origin without being on ffmpeg's command line.
  it('starts on the first viewer, is shared by the next, copies the video and stops when idle', async () => {
    const sessions = new RtspSessions({ ffmpeg, workDir: work, idleMs: 1_500, transport: 'tcp' });
    sessions.start();
    const upstream = sessions.upstream(CAMERA, withCredentials(CAMERA));
    try {
      const [a, b] = await Promise.all([
        upstream.fetch(upstream.entry, FETCH),
        upstream.fetch(upstream.entry, FETCH),
      ]);
      expect(sessions.running).toBe(1);
      expect(a.body.toString()).toMatch(/^#EXTM3U/);
      const playlist = HLS.parse(b.body.toString()) as MediaPlaylist;
      expect(playlist.segments.length).toBeGreaterThan(0);
      const segmentUrl = new URL(playlist.segments[0]!.uri, upstream.entry).href;
      expect(upstream.contains(segmentUrl)).toBe(true);
      const segment = await upstream.fetch(segmentUrl, { ...FETCH, maxBytes: 16 << 20 });
      expect(segment.contentType).toBe('video/mp2t');
      const file = join(work, 'probe.ts');
      writeFileSync(file, segment.body);
      const video = await probeVideo(file);
      if (!video) console.warn('ffprobe is not installed: transmuxed segment not checked');
      // Stream copy: the camera's own H.264 at its own size, not a re-encode.
      else expect(video).toEqual({ codec_name: 'h264', width: 640, height: 360 });

      // Anyone on the machine can read a process's command line: the password is not on it.
      const commandLines = ffmpegCommandLines();
      expect(commandLines).toHaveLength(1);
      expect(commandLines[0]).toContain('-i pipe:0');
      for (const secret of [ORIGIN_PASSWORD, ORIGIN_USER, '/cam/']) {
        expect(commandLines[0]).not.toContain(secret);
      }

      await waitFor(() => sessions.running === 0, 6_000, 'the idle transmux to stop');
      expect(existsSync(new URL(upstream.entry).pathname)).toBe(false);
    } finally {
      await sessions.stop();
    }
  }, 30_000);

  it('runs no more transmuxes at once than allowed, and starts the next when one stops', async () => {
    const sessions = new RtspSessions({
      ffmpeg,
      workDir: work,
      idleMs: 60_000,
      transport: 'tcp',
      maxSessions: 1,
    });
    const first = sessions.upstream(CAMERA, withCredentials(CAMERA));
    const second = sessions.upstream(OTHER, withCredentials(OTHER));
    try {
      expect(() => second.admit?.()).not.toThrow();
      await first.fetch(first.entry, FETCH);
      expect(sessions.running).toBe(1);
      // The camera already running takes no new room.
      expect(() => first.admit?.()).not.toThrow();
      await expect(first.fetch(first.entry, FETCH)).resolves.toBeTruthy();
      const full = {
        status: 503,
        code: 'rtsp_sessions_full',
        message: expect.stringMatching(/^all 1 RTSP camera streams this server runs at once/),
      };
      expect(() => second.admit?.()).toThrow(expect.objectContaining(full));
      await expect(second.fetch(second.entry, FETCH)).rejects.toMatchObject(full);
      expect(sessions.running).toBe(1);

      await sessions.stop();
      expect(sessions.running).toBe(0);
      // Asked again as a player would while its camera is still starting (504): on a busy
      // machine ffmpeg's first segment can take longer than one request waits.
      const until = Date.now() + 25_000;
      let played;
      for (;;) {
        try {
          played = await second.fetch(second.entry, FETCH);
          break;
        } catch (err) {
          if ((err as { status?: number }).status !== 504 || Date.now() > until) throw err;
        }
      }
      expect(played.body.toString()).toMatch(/^#EXTM3U/);
    } finally {
      await sessions.stop();
    }
  }, 60_000);
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
        error: {
          code: 'unavailable',
          message: 'RTSP camera needs ffmpeg, which this server does not have',
        },
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
      expect(body).toBe(
        '{"error":{"code":"upstream_failed","message":"camera upstream unreachable"}}',
      );
    } finally {
      await harness.stop();
    }
  });

  it.skipIf(!ffmpeg)(
    'answer 503 rtsp_sessions_full for a camera that would start one transmux too many',
    async () => {
      // A camera that accepts the connection and never answers keeps its transmux waiting (for
      // ffmpeg's 5 s I/O timeout): it holds the only place there is.
      const sockets = new Set<Socket>();
      const silent = createServer((socket) => void sockets.add(socket));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      const rtsp = `rtsp://admin:pw@127.0.0.1:${(silent.address() as AddressInfo).port}/ch`;
      const [a, b] = cityCameras().slice(3, 5);
      const harness = await startHarness({
        cameras: [a!, b!],
        config: { maxRtspSessions: 1 },
        registry: {
          cameras: [
            { id: a!.id, rtsp: `${rtsp}1` },
            { id: b!.id, rtsp: `${rtsp}2` },
          ],
        },
      });
      try {
        const [urlA, urlB] = [await harness.streamUrl(a!.id), await harness.streamUrl(b!.id)];
        // Left waiting: the harness's stop ends the transmux, and with it this request.
        void fetch(urlA).catch(() => undefined);
        const running = async () =>
          /citybrain_stream_rtsp_sessions 1\b/.test(await harness.metrics.render());
        await until(running, 5_000, "camera A's transmux to start");

        const res = await fetch(urlB);
        expect(res.status).toBe(503);
        const refusal = {
          error: {
            code: 'rtsp_sessions_full',
            message:
              'all 1 RTSP camera streams this server runs at once are in use: ' +
              'try again when another is closed',
          },
        };
        expect(await res.json()).toEqual(refusal);
        const post = await fetch(`${harness.url}/api/v1/cameras/${b!.id}/stream`, {
          method: 'POST',
          headers: { authorization: `Bearer ${harness.bearer}` },
        });
        expect([post.status, await post.json()]).toEqual([503, refusal]);
        // Camera A's own viewers still get in.
        expect((await harness.streamUrl(a!.id)).length).toBeGreaterThan(0);
      } finally {
        await harness.stop();
        for (const socket of sockets) socket.destroy();
        silent.close();
      }
    },
    30_000,
  );
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

/** Whether an RTSP server has a stream at this URL yet (DESCRIBE answered 200). */
function described(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`DESCRIBE ${url} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n`),
    );
    socket.once('data', (chunk) => {
      resolve(chunk.toString('latin1').startsWith('RTSP/1.0 200'));
      socket.destroy();
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A camera that demands Basic auth, in front of an RTSP server that demands none: requests
 * without the right credentials are answered 401, and the first with them opens the way through.
 * Records every Authorization header it was sent.
 */
async function authenticatingCamera(
  target: number,
  username: string,
  password: string,
): Promise<{ server: Server; port: number; authorizations: string[] }> {
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const authorizations: string[] = [];
  const server = createServer((client) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        const request = buffered.slice(0, end + 4);
        buffered = buffered.slice(end + 4);
        const authorization = /^authorization: *(.*?)\r$/im.exec(request)?.[1];
        if (authorization) authorizations.push(authorization);
        if (authorization === expected) {
          client.off('data', onData);
          const camera = connect(target, '127.0.0.1', () => {
            camera.write(Buffer.from(request + buffered, 'latin1'));
            client.pipe(camera).pipe(client);
          });
          camera.on('error', () => client.destroy());
          client.on('error', () => camera.destroy());
          return;
        }
        const cseq = /^cseq: *(\d+)/im.exec(request)?.[1] ?? '0';
        client.write(
          `RTSP/1.0 401 Unauthorized\r\nCSeq: ${cseq}\r\nWWW-Authenticate: Basic realm="camera"\r\n\r\n`,
        );
      }
    };
    client.on('data', onData);
    client.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, authorizations };
}

// A real RTSP camera where Debian's rtsp-server-perl is installed (CI does not install it):
// ffmpeg pushes a clip into it, and the transmux pulls it back out over RTSP (UDP: the only
// transport that server offers its clients), through a camera that demands a password.
describe.skipIf(!ffmpeg || !rtspServer)('a real RTSP camera (rtsp-server-perl)', () => {
  it('is transmuxed to HLS by stream copy, its password sent to it and kept off the command line', async () => {
    const [clientPort, sourcePort] = [28554, 28555];
    const password = "it's-a-secret-42";
    const children: ChildProcess[] = [];
    const sessions = new RtspSessions({ ffmpeg, workDir: work, idleMs: 5_000, transport: 'udp' });
    const camera = await authenticatingCamera(clientPort, 'admin', password);
    try {
      children.push(
        spawn('rtsp-server-perl', [
          ...['-c', String(clientPort), '-s', String(sourcePort)],
          ...['--client_listen_address', '127.0.0.1', '--source_listen_address', '127.0.0.1'],
        ]),
      );
      await until(() => rtspAnswers(`rtsp://127.0.0.1:${clientPort}/`, 500), 5_000, 'the server');
      const clip = join(DEFAULT_CLIPS_DIR, 'clip-01.mp4');
      children.push(
        spawn(ffmpeg!, [
          ...['-loglevel', 'error', '-re', '-stream_loop', '-1'],
          ...['-i', clip, '-c', 'copy', '-f', 'rtsp', '-rtsp_transport', 'udp'],
          `rtsp://127.0.0.1:${sourcePort}/cam`,
        ]),
      );
      await until(() => described(`rtsp://127.0.0.1:${clientPort}/cam`), 5_000, 'the stream');

      const input = `rtsp://admin:${password}@127.0.0.1:${camera.port}/cam`;
      const upstream = sessions.upstream('rtsp-cam', input);
      const playlist = HLS.parse(
        (await upstream.fetch(upstream.entry, FETCH)).body.toString(),
      ) as MediaPlaylist;
      const segment = await upstream.fetch(
        new URL(playlist.segments[0]!.uri, upstream.entry).href,
        { ...FETCH, maxBytes: 16 << 20 },
      );
      const file = join(work, 'rtsp.ts');
      writeFileSync(file, segment.body);
      const video = await probeVideo(file);
      if (!video) console.warn('ffprobe is not installed: transmuxed segment not checked');
      else expect(video).toEqual({ codec_name: 'h264', width: 640, height: 360 });

      expect(camera.authorizations).toContain(
        `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
      );
      const commandLines = ffmpegCommandLines().filter((line) => line.includes('pipe:0'));
      expect(commandLines).toHaveLength(1);
      expect(commandLines[0]).not.toContain(password);
      expect(commandLines[0]).not.toContain('rtsp://');
    } finally {
      await sessions.stop();
      for (const child of children) child.kill('SIGKILL');
      camera.server.close();
    }
  }, 30_000);
});
