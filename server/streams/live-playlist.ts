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
}

/**
 * A clip looped forever along wall-clock time, shifted by `offsetSeconds`. Everything follows
 * from the clock, so any process, restarted or not, answers the same playlist at the same moment:
 * the media sequence counts segments since the epoch (1970 unless given) and every loop restart
 * is a discontinuity.
 */
export class LoopTimeline {
  private readonly starts: number[];
  private readonly loopSeconds: number;

  constructor(
    private readonly durations: readonly number[],
    private readonly offsetSeconds: number,
    /** Where the count of segments starts, epoch milliseconds. */
    private readonly epochMs = 0,
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
      discontinuity: clipIndex === 0 && msn > 0,
      startsAt: Math.round(start * 1000) + this.epochMs,
    };
  }

  /** The last `size` complete segments at this moment. */
  window(nowMs: number, size: number): LiveWindow {
    const n = this.durations.length;
    const current = this.current(nowMs);
    const first = Math.max(0, current - size);
    const segments = Array.from({ length: current - first }, (_, i) => this.segment(first + i));
    return {
      mediaSequence: first,
      // Loop restarts before the first listed segment, each of which slid out with its tag.
      discontinuitySequence: first > 0 ? Math.floor((first - 1) / n) : 0,
      targetDuration: Math.ceil(Math.max(...this.durations)),
      segments,
    };
  }
}

export function renderLivePlaylist(window: LiveWindow, uriOf: (s: LiveSegment) => string): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    `#EXT-X-TARGETDURATION:${window.targetDuration}`,
    `#EXT-X-MEDIA-SEQUENCE:${window.mediaSequence}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${window.discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  for (const s of window.segments) {
    if (s.discontinuity) lines.push('#EXT-X-DISCONTINUITY');
    lines.push(
      `#EXT-X-PROGRAM-DATE-TIME:${new Date(s.startsAt).toISOString()}`,
      `#EXTINF:${s.duration.toFixed(3)},`,
      uriOf(s),
    );
  }
  return `${lines.join('\n')}\n`;
}
