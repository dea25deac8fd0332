import { HttpError } from '../http-error.js';
import type { Upstream } from './upstream.js';

/** A camera's recordings: where to fetch them, and the playlist URL of any time range. */
export interface Playback {
  upstream: Upstream;
  urlFor(start: Date, end: Date): string;
}

export interface PlaybackLimits {
  /** How far back recordings may be asked for (a centre's NVRs keep 30 days by rule). */
  days: number;
  /** The longest range one playback or export covers. */
  maxMinutes: number;
}

export interface PlaybackRange {
  start: Date;
  end: Date;
}

/** Names sealed for a camera's recordings are a scope apart from its live stream's. */
export function recordedScope(cameraId: string): string {
  return `recorded:${cameraId}`;
}

/**
 * The range a player or an export asks for, checked against the clock and the limits: a start
 * in the past and within the kept days, an end after it (the newest moment recorded when not
 * given, or when later than now) and no further than the longest range allows.
 */
export function playbackRange(
  asked: { start: string; end?: string },
  nowMs: number,
  limits: PlaybackLimits,
): PlaybackRange {
  const start = Date.parse(asked.start);
  const maxMs = limits.maxMinutes * 60_000;
  if (start >= nowMs - 1_000) throw rangeError('start', 'must be in the past');
  if (start < nowMs - limits.days * 86_400_000) {
    throw rangeError('start', `recordings are kept for ${limits.days} days`);
  }
  let end = asked.end === undefined ? Math.min(start + maxMs, nowMs) : Date.parse(asked.end);
  if (end <= start) throw rangeError('end', 'must be after start');
  end = Math.min(end, nowMs);
  if (end - start > maxMs) {
    throw rangeError('end', `at most ${limits.maxMinutes} minutes after start`);
  }
  return { start: new Date(start), end: new Date(end) };
}

/** A 400 naming the range's field that was wrong. */
export function rangeError(path: 'start' | 'end', message: string): HttpError {
  return new HttpError(400, `${path}: ${message}`, {
    code: 'invalid_fields',
    fields: [{ path, message }],
  });
}
