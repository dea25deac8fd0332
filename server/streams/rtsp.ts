import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { connect as tcpConnect, type Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { pathToFileURL } from 'node:url';
import { UpstreamError, type FetchOptions, type Fetched, type Upstream } from './upstream.js';
import { moduleLog } from '../log.js';

const log = moduleLog('streams');

/** Long enough for a camera with a slow keyframe interval, short of hls.js's 10 s load timeout. */
const START_WAIT_MS = 8_000;
/** A camera whose transmux just died is not hammered with a new ffmpeg on every request. */
const RESTART_BACKOFF_MS = 5_000;
const SEGMENT_SECONDS = 2;
const LIST_SIZE = 6;

interface Session {
  child: ChildProcess;
  startedAt: number;
  lastUsed: number;
  exited: boolean;
  /** We asked it to stop, so its exit status is no news. */
  stopping: boolean;
}

/** ffmpeg from the configured path or PATH, or undefined when there is none. */
export function findFfmpeg(configured: string | undefined): string | undefined {
  const candidates = configured
    ? [configured]
    : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'ffmpeg'));
  return candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * RTSP cameras through ffmpeg: the first viewer starts a transmux to HLS (stream copy, no
 * re-encode) into a scratch folder, later viewers share it, and it stops once nobody has asked
 * for it for the idle period. The forwarder then treats the folder like any other upstream.
 */
export interface RtspOptions {
  /** Without it, RTSP cameras answer 503 saying so. */
  ffmpeg: string | undefined;
  /** Scratch space; each camera gets a folder of its own. */
  workDir: string;
  idleMs: number;
  transport: 'tcp' | 'udp';
  /** Transmuxes running at once; a viewer that would start one more is refused (503). */
  maxSessions?: number;
  onChange?: (running: number) => void;
}

const DEFAULT_MAX_SESSIONS = 16;

/**
 * Protocols the transmux may use, by input scheme: the script on stdin, then the camera's own
 * (RTSP with its RTP over UDP or TCP, and TLS for rtsps; HTTP(S) for an HLS source).
 */
const PROTOCOLS: Record<string, string> = {
  rtsp: 'pipe,rtsp,rtsps,rtp,srtp,udp,tcp,tls',
  http: 'pipe,http,https,tcp,tls,crypto',
};

/**
 * The ffconcat script that names the input, for ffmpeg's stdin: an input URL on the command line
 * would show its credentials to anyone on the machine (`ps`, /proc/<pid>/cmdline), while a pipe
 * is readable by this process alone. Per-input options ride along, as `-i` options would.
 */
export function concatScript(inputUrl: string, options: Record<string, string>): string {
  // A line break would end the directive and start another of the URL's making.
  const controls = (v: string) => [...v].some((c) => c.charCodeAt(0) < 0x20);
  if ([inputUrl, ...Object.values(options)].some(controls)) {
    throw new UpstreamError(502, 'camera upstream address is not usable');
  }
  // av_get_token: a single-quoted string is literal; a quote itself is closed, escaped, reopened.
  const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;
  const lines = ['ffconcat version 1.0', `file ${quote(inputUrl)}`];
  for (const [key, value] of Object.entries(options)) lines.push(`option ${key} ${quote(value)}`);
  return `${lines.join('\n')}\n`;
}

export class RtspSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly lastExit = new Map<string, number>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly ffmpeg: string | undefined;
  private readonly idleMs: number;
  private readonly maxSessions: number;

  constructor(private readonly options: RtspOptions) {
    this.ffmpeg = options.ffmpeg;
    this.idleMs = options.idleMs;
    this.maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  }

  get available(): boolean {
    return this.ffmpeg !== undefined;
  }

  get running(): number {
    return this.sessions.size;
  }

  start(): void {
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.idleMs / 2, 5_000));
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.keys()].map((id) => this.end(id)));
  }

  /** The upstream for one camera; its first fetch starts the transmux. */
  upstream(cameraId: string, inputUrl: string): Upstream {
    const dir = join(this.options.workDir, encodeURIComponent(cameraId));
    const root = pathToFileURL(`${dir}/`).href;
    return {
      entry: `${root}index.m3u8`,
      contains: (url) => url.startsWith(root),
      // ffmpeg's HLS muxer writes plain HLS: there is nothing to block on.
      lowLatency: false,
      fetch: (url, options) => this.read(cameraId, inputUrl, dir, url, options),
      admit: () => this.admit(cameraId),
    };
  }

  /** Throws unless this camera's transmux runs or there is room to start it. */
  admit(cameraId: string): void {
    const current = this.sessions.get(cameraId);
    if (current && !current.exited) return;
    if (this.sessions.size >= this.maxSessions) {
      throw new UpstreamError(
        503,
        `all ${this.maxSessions} RTSP camera streams this server runs at once are in use: ` +
          'try again when another is closed',
        { code: 'rtsp_sessions_full' },
      );
    }
  }

  private async read(
    cameraId: string,
    inputUrl: string,
    dir: string,
    url: string,
    { maxBytes }: FetchOptions,
  ): Promise<Fetched> {
    const session = this.ensure(cameraId, inputUrl, dir);
    session.lastUsed = Date.now();
    const path = decodeURIComponent(new URL(url).pathname);
    const isEntry = path === join(dir, 'index.m3u8');
    const until = Date.now() + START_WAIT_MS;
    for (;;) {
      const size = await stat(path).then(
        (s) => s.size,
        () => -1,
      );
      if (size > maxBytes) throw new UpstreamError(502, 'camera upstream response too large');
      if (size >= 0) {
        // Our own ffmpeg's files: MPEG-TS segments and the playlist that lists them.
        const contentType = path.endsWith('.ts') ? 'video/mp2t' : 'application/vnd.apple.mpegurl';
        return { body: await readFile(path), url, contentType };
      }
      if (!isEntry) throw new UpstreamError(404, 'segment no longer available');
      if (session.exited) throw new UpstreamError(502, 'camera upstream unreachable');
      // The playlist appears once ffmpeg has cut its first segment.
      if (Date.now() > until) throw new UpstreamError(504, 'camera stream is still starting');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private ensure(cameraId: string, inputUrl: string, dir: string): Session {
    const current = this.sessions.get(cameraId);
    if (current && !current.exited) return current;
    if (!this.ffmpeg) {
      throw new UpstreamError(503, 'RTSP camera needs ffmpeg, which this server does not have');
    }
    if (Date.now() - (this.lastExit.get(cameraId) ?? 0) < RESTART_BACKOFF_MS) {
      throw new UpstreamError(502, 'camera upstream unreachable');
    }
    this.admit(cameraId);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // Segment names carry the session start, so a restarted transmux never reuses a cached name.
    const prefix = `s${Date.now().toString(36)}`;
    const isRtsp = /^rtsps?:/i.test(inputUrl);
    // A dead camera must end the transmux rather than leave it waiting forever.
    const inputOptions: Record<string, string> = isRtsp
      ? { rtsp_transport: this.options.transport, timeout: '5000000' }
      : { rw_timeout: '5000000' };
    const child = spawn(
      this.ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
        // The input is named on stdin (see concatScript), never here.
        ...['-protocol_whitelist', PROTOCOLS[isRtsp ? 'rtsp' : 'http']!],
        ...['-f', 'concat', '-safe', '0', '-i', 'pipe:0'],
        // Browsers cannot play the G.711 audio most cameras carry, and the wall is silent anyway.
        ...['-map', '0:v:0', '-c:v', 'copy', '-an'],
        ...['-f', 'hls', '-hls_time', String(SEGMENT_SECONDS), '-hls_list_size', String(LIST_SIZE)],
        ...['-hls_flags', 'delete_segments+independent_segments+omit_endlist+temp_file'],
        ...['-hls_segment_filename', join(dir, `${prefix}-%d.ts`)],
        join(dir, 'index.m3u8'),
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    // ffmpeg reads the whole script before it opens the input: it must end. A child that died
    // at once (EPIPE) is reported by its exit below.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(concatScript(inputUrl, inputOptions));
    const session: Session = {
      child,
      startedAt: Date.now(),
      lastUsed: Date.now(),
      exited: false,
      stopping: false,
    };
    let stderr = '';
    child.stderr?.on(
      'data',
      (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)),
    );
    const onExit = (code: number | null) => {
      session.exited = true;
      this.lastExit.set(cameraId, Date.now());
      if (this.sessions.get(cameraId) === session) this.sessions.delete(cameraId);
      rmSync(dir, { recursive: true, force: true });
      this.options.onChange?.(this.sessions.size);
      if (code && !session.stopping) {
        // ffmpeg names its input in errors: keep credentials out of the server log too. The
        // input's own error comes before the concat wrapper's (`pipe:0: …`), so both are kept.
        const reason = stderr
          .replace(/\/\/[^/@\s]*@/g, '//***@')
          .trim()
          .split('\n')
          .slice(-2)
          .join(' / ');
        log.warn(`transmux of camera ${cameraId} ended (${code}): ${reason}`);
      }
    };
    child.on('exit', onExit);
    child.on('error', () => onExit(1));
    this.sessions.set(cameraId, session);
    this.options.onChange?.(this.sessions.size);
    return session;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) {
      if (now - session.lastUsed > this.idleMs) void this.end(id);
    }
  }

  private async end(cameraId: string): Promise<void> {
    const session = this.sessions.get(cameraId);
    if (!session || session.exited) return;
    const exited = new Promise<void>((resolve) => session.child.once('exit', () => resolve()));
    session.stopping = true;
    session.child.kill('SIGTERM');
    const killer = setTimeout(() => session.child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(killer);
  }
}

/**
 * Whether an RTSP server answers OPTIONS: cheap enough to ask of every camera on every health
 * round, where a transmux would not be. Any RTSP answer counts, 401 included.
 */
export function rtspAnswers(inputUrl: string, timeoutMs: number): Promise<boolean> {
  const url = new URL(inputUrl);
  const secure = url.protocol === 'rtsps:';
  const port = Number(url.port || (secure ? 322 : 554));
  url.username = '';
  url.password = '';
  const request = `OPTIONS ${url.href} RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: city-brain\r\n\r\n`;
  return new Promise((resolve) => {
    // Only reachability is asked, and nothing secret is sent, so a self-signed camera passes.
    const socket: Socket = secure
      ? tlsConnect({ host: url.hostname, port, rejectUnauthorized: false }, () =>
          socket.write(request),
        )
      : tcpConnect({ host: url.hostname, port }, () => socket.write(request));
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.length >= 9) done(answer.startsWith('RTSP/1.0 '));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}
