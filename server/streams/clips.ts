import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HttpError } from '../http-error.js';
import { moduleLog } from '../log.js';
import type { Forwarder } from './forwarder.js';
import type { Playback, PlaybackRange } from './playback.js';
import type { RecordedFile } from './playlist.js';
import { UpstreamError } from './upstream.js';

const log = moduleLog('streams');

export interface ClipOptions {
  /** ffmpeg, or undefined when the server has none (exports are then refused, saying so). */
  ffmpeg: string | undefined;
  /** Where clips are made before they are sent; each is removed once sent. */
  workDir: string;
  /** Exports made at once; each reads a recording and runs an ffmpeg. */
  maxRunning: number;
}

export interface Clip {
  file: string;
  bytes: number;
  /** Removes the file; call once it is sent (or the client has gone). */
  remove(): void;
}

/**
 * Clips of a camera's recordings as MP4 files, for evidence (执法取证): the recording's segments
 * are read through the forwarder (its cache, its single upstream fetch, the camera's
 * credentials) and piped to ffmpeg, which copies the streams into one MP4 without re-encoding.
 * A clip starts with the segment that holds the asked start (segments start on a keyframe: at
 * most a segment early, a second on most cameras) and ends at the asked end.
 */
export class ClipExporter {
  private running = 0;

  constructor(
    private readonly forwarder: Forwarder,
    private readonly options: ClipOptions,
  ) {}

  get available(): boolean {
    return this.options.ffmpeg !== undefined;
  }

  async export(playback: Playback, range: PlaybackRange): Promise<Clip> {
    const ffmpeg = this.options.ffmpeg;
    if (!ffmpeg) {
      throw new HttpError(503, 'clip export needs ffmpeg, which this server does not have', {
        code: 'clip_export_unavailable',
      });
    }
    if (this.running >= this.options.maxRunning) {
      throw new HttpError(503, 'other clips are being exported: try again in a minute');
    }
    this.running++;
    try {
      const recorded = await this.forwarder
        .recording(playback.upstream, playback.urlFor(range.start, range.end))
        .catch((err: unknown) => {
          throw err instanceof UpstreamError && err.upstreamStatus === 404
            ? nothingRecorded()
            : err;
        });
      const { files, from } = clipFiles(recorded, range.start.getTime());
      if (files.length === 0) throw nothingRecorded();
      const seconds = (range.end.getTime() - from) / 1000;
      mkdirSync(this.options.workDir, { recursive: true });
      const file = join(this.options.workDir, `clip-${randomUUID()}.mp4`);
      try {
        await this.remux(ffmpeg, playback, files, seconds, file);
      } catch (err) {
        rmSync(file, { force: true });
        throw err;
      }
      return { file, bytes: statSync(file).size, remove: () => rmSync(file, { force: true }) };
    } finally {
      this.running--;
    }
  }

  private async remux(
    ffmpeg: string,
    playback: Playback,
    files: readonly string[],
    seconds: number,
    out: string,
  ): Promise<void> {
    // The segments follow one another on ffmpeg's input as they would in a player's buffer: an
    // init section and its fragments, or MPEG-TS packets. Timestamps start at zero in the file.
    const child = spawn(
      ffmpeg,
      [
        ...['-hide_banner', '-loglevel', 'error', '-i', 'pipe:0'],
        ...['-map', '0:v?', '-map', '0:a?', '-c', 'copy', '-t', seconds.toFixed(3)],
        ...['-avoid_negative_ts', 'make_zero', '-movflags', '+faststart', '-f', 'mp4', '-y', out],
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4_000) stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    // ffmpeg stops reading once it has the asked length: the rest is not needed.
    let closed = false;
    child.stdin.on('error', () => (closed = true));
    child.stdin.once('close', () => (closed = true));
    try {
      for (const url of files) {
        if (closed) break;
        const media = await this.forwarder.segment(playback.upstream, url, false);
        if (closed) break;
        if (!child.stdin.write(media.body)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              child.stdin.off('drain', done);
              child.stdin.off('close', done);
              resolve();
            };
            child.stdin.on('drain', done);
            child.stdin.on('close', done);
          });
        }
      }
    } catch (err) {
      child.kill('SIGKILL');
      await exited.catch(() => undefined);
      throw err;
    }
    child.stdin.end();
    const code = await exited;
    if (code !== 0) {
      log.error({ code, stderr: stderr.trim() }, 'clip export: ffmpeg failed');
      throw new HttpError(502, 'the clip could not be made from the recording', {
        code: 'clip_export_failed',
      });
    }
  }
}

function nothingRecorded(): HttpError {
  return new HttpError(404, 'nothing recorded on this camera in that range', {
    code: 'nothing_recorded',
  });
}

/**
 * The files a clip from `startMs` needs: the segments from the one that holds the start (a
 * recorder's playlist begins wherever its own cutting put the range's first whole second, often
 * a segment or more before it) with the init section before them, and the time the first of
 * them starts. Undated segments are kept: where they fall is not known.
 */
export function clipFiles(
  recorded: readonly RecordedFile[],
  startMs: number,
): { files: string[]; from: number } {
  const first = recorded.findIndex(
    (f) => f.kind === 'segment' && (f.start === undefined || f.start + f.seconds * 1000 > startMs),
  );
  const segment = recorded[first];
  if (segment?.kind !== 'segment') return { files: [], from: startMs };
  // The init section that applies to the first kept segment is the last one before it.
  const init = recorded.slice(0, first).findLast((f) => f.kind === 'init');
  const files = [...(init ? [init] : []), ...recorded.slice(first)].map((f) => f.url);
  return { files, from: Math.min(segment.start ?? startMs, startMs) };
}
