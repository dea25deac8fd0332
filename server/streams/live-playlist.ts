/** One segment of a looping clip as it stands in the live timeline. */
export interface LiveSegment {
  msn: number;
  /** Which of the clip's segments carries the bytes. */
  clipIndex: number;
  duration: number;
  /** The clip starts over here: timestamps jump back, so players must be told. */
  discontinuity: boolean;
  /** Wall-clock start, epoch milliseconds. */
  startsAt: number;
}

export interface LiveWindow {
  mediaSequence: number;
  discontinuitySequence: number;
  targetDuration: number;
  segments: LiveSegment[];
  /** The segment being recorded, with how many of its parts are complete. */
  current: LiveSegment & { partsDone: number };
}

/** How an LL-HLS playlist names and times the parts of each segment. */
export interface PartLayout {
  /** Seconds; every part but possibly a segment's last is this long. */
  partTarget: number;
  /** Parts in each segment, by its index in the clip. */
  partsOf: (clipIndex: number) => number;
  partUri: (s: LiveSegment, part: number) => string;
  /** The initialisation section (EXT-X-MAP) every segment follows. */
  initUri: string;
  /** Complete segments listed with their parts, the newest ones. */
  segmentsWithParts: number;
}

/**
 * A clip looped forever along wall-clock time, shifted by `offsetSeconds`. Everything follows
 * from the clock, so any process, restarted or not, answers the same playlist at the same moment:
 * the media sequence counts segments since the epoch (1970 unless given) and every loop restart
 * is a discontinuity (unless the media's timestamps are made to run on).
 */
export class LoopTimeline {
  private readonly starts: number[];
  private readonly loopSeconds: number;

  constructor(
    private readonly durations: readonly number[],
    private readonly offsetSeconds: number,
    /** Where the count of segments starts, epoch milliseconds. */
    private readonly epochMs = 0,
    /**
     * The media's timestamps run on across loops (the origin rewrites them), so a restart is no
     * discontinuity.
     */
    private readonly continuous = false,
  ) {
    if (durations.length === 0 || durations.some((d) => !(d > 0))) {
      throw new Error('a looping clip needs segments of positive duration');
    }
    let t = 0;
    this.starts = durations.map((d) => ((t += d), t - d));
    this.loopSeconds = t;
  }

  /** The sequence number of the segment being "recorded" at this moment (not yet complete). */
  current(nowMs: number): number {
    const v = (nowMs - this.epochMs) / 1000 + this.offsetSeconds;
    const loop = Math.floor(v / this.loopSeconds);
    const position = v - loop * this.loopSeconds;
    let index = 0;
    while (index + 1 < this.starts.length && this.starts[index + 1]! <= position) index++;
    return loop * this.durations.length + index;
  }

  segment(msn: number): LiveSegment {
    const n = this.durations.length;
    const loop = Math.floor(msn / n);
    const clipIndex = msn - loop * n;
    const start = loop * this.loopSeconds + this.starts[clipIndex]! - this.offsetSeconds;
    return {
      msn,
      clipIndex,
      duration: this.durations[clipIndex]!,
      discontinuity: !this.continuous && clipIndex === 0 && msn > 0,
      startsAt: Math.round(start * 1000) + this.epochMs,
    };
  }

  /** When a segment (or one of its parts, of `partSeconds` each) is complete, epoch ms. */
  completeAt(msn: number, part?: { index: number; partSeconds: number }): number {
    const s = this.segment(msn);
    if (!part) return s.startsAt + Math.round(s.duration * 1000);
    const end = Math.min(s.duration, (part.index + 1) * part.partSeconds);
    return s.startsAt + Math.round(end * 1000);
  }

  /**
   * The last `size` complete segments at this moment, and the one in progress with the parts of
   * `partSeconds` it has complete (0 without parts).
   */
  window(nowMs: number, size: number, partSeconds = 0): LiveWindow {
    const n = this.durations.length;
    const current = this.current(nowMs);
    const first = Math.max(0, current - size);
    const segments = Array.from({ length: current - first }, (_, i) => this.segment(first + i));
    const recording = this.segment(current);
    const partsDone =
      partSeconds > 0 ? Math.floor((nowMs - recording.startsAt) / (partSeconds * 1000) + 1e-6) : 0;
    return {
      mediaSequence: first,
      // Loop restarts before the first listed segment, each of which slid out with its tag.
      discontinuitySequence: !this.continuous && first > 0 ? Math.floor((first - 1) / n) : 0,
      targetDuration: Math.ceil(Math.max(...this.durations)),
      segments,
      current: { ...recording, partsDone: Math.max(0, partsDone) },
    };
  }
}

/**
 * A live media playlist. With `parts`, a Low-Latency HLS one as MediaMTX writes it: blocking
 * reloads offered, the newest segments also listed as parts, then the parts of the segment in
 * progress and a preload hint for the next.
 */
export function renderLivePlaylist(
  window: LiveWindow,
  uriOf: (s: LiveSegment) => string,
  parts?: PartLayout,
): string {
  const lines = ['#EXTM3U', `#EXT-X-VERSION:${parts ? 9 : 3}`];
  lines.push(`#EXT-X-TARGETDURATION:${window.targetDuration}`);
  if (parts) {
    // Hold-backs as the spec asks at least: three parts, three target durations.
    const partHoldBack = round3(parts.partTarget * 3);
    lines.push(
      `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${partHoldBack},HOLD-BACK=${window.targetDuration * 3}`,
      `#EXT-X-PART-INF:PART-TARGET=${parts.partTarget}`,
    );
  }
  lines.push(
    `#EXT-X-MEDIA-SEQUENCE:${window.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${window.discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  );
  if (parts) lines.push(`#EXT-X-MAP:URI="${parts.initUri}"`);
  const partLines = (s: LiveSegment, count: number) => {
    for (let k = 0; k < count; k++) {
      const duration = round3(Math.min(parts!.partTarget, s.duration - k * parts!.partTarget));
      // Every segment starts on a keyframe, so its first part can start a picture.
      const independent = k === 0 ? ',INDEPENDENT=YES' : '';
      lines.push(`#EXT-X-PART:DURATION=${duration},URI="${parts!.partUri(s, k)}"${independent}`);
    }
  };
  const head = (s: LiveSegment) => {
    if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.startsAt).toISOString()}`);
  };
  window.segments.forEach((s, i) => {
    head(s);
    if (parts && i >= window.segments.length - parts.segmentsWithParts) {
      partLines(s, parts.partsOf(s.clipIndex));
    }
    lines.push(`#EXTINF:${s.duration.toFixed(3)},`, uriOf(s));
  });
  if (parts) {
    const c = window.current;
    const total = parts.partsOf(c.clipIndex);
    const done = Math.min(c.partsDone, total - 1);
    // No date for the segment in progress: a plain-HLS reader, parts stripped, would take the
    // lone tag for a segment. Players date its parts from the segment before.
    partLines(c, done);
    // The part being recorded: a player asks for it now, and we answer when it is complete.
    lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${parts.partUri(c, done)}"`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A finished (VOD) playlist of recorded segments, each dated, as an NVR answers a playback
 * query: players can seek anywhere in it and read the time of the picture on screen.
 */
export function renderVodPlaylist(
  segments: readonly LiveSegment[],
  uriOf: (s: LiveSegment) => string,
  initUri: string,
): string {
  const target = Math.ceil(Math.max(...segments.map((s) => s.duration)));
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-PLAYLIST-TYPE:VOD',
    `#EXT-X-MEDIA-SEQUENCE:${segments[0]?.msn ?? 0}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-MAP:URI="${initUri}"`,
  ];
  for (const s of segments) {
    if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(s.startsAt).toISOString()}`,
      `#EXTINF:${s.duration.toFixed(3)},`,
      uriOf(s),
    );
  }
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
