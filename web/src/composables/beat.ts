/**
 * The screen's beat. What a screen changes from time to time (the clock, the figures, the
 * boards, the map's look at the store) changes on the same wall-clock boundaries, whole or half
 * seconds, so the browser paints it all in one frame instead of each change in its own. Without a
 * fast GPU (a wall PC, a video controller) every painted frame composites the whole screen again,
 * and at 200 updates a second the panels' own timers, each at its own phase, made several a
 * second.
 */

/** The half-second beat, at which the map draws and the pulse rings step. */
export const HALF_BEAT_MS = 500;

/** Milliseconds from `now` to the next multiple of `ms` that is at least `min` away. */
export function untilBeat(ms: number, now = Date.now(), min = ms / 10): number {
  const left = ms - (now % ms);
  return left < min ? left + ms : left;
}

/**
 * Calls `fn` on every beat of `ms`, with the beat's time (a timer may fire a little before the
 * wall clock reaches it); answers a function that stops it.
 */
export function everyBeat(ms: number, fn: (beat: number) => void): () => void {
  let timer: number;
  const next = () => {
    const wait = untilBeat(ms);
    const beat = Date.now() + wait;
    timer = window.setTimeout(() => {
      fn(beat);
      next();
    }, wait);
  };
  next();
  return () => window.clearTimeout(timer);
}

/** Passes on the latest value given to it at the next beat; `cancel` drops a value waiting. */
export interface BeatLatch<T> {
  (value: T): void;
  cancel(): void;
}

/**
 * A latch that passes on the latest value given to it at the next beat of `ms`; values given in
 * between replace it.
 */
export function onNextBeat<T>(ms: number, apply: (value: T) => void): BeatLatch<T> {
  let latest: T;
  let timer: number | undefined;
  const cancel = () => {
    window.clearTimeout(timer);
    timer = undefined;
  };
  const give = (value: T) => {
    latest = value;
    // A value that comes just before the beat still makes it.
    timer ??= window.setTimeout(
      () => {
        timer = undefined;
        apply(latest);
      },
      untilBeat(ms, Date.now(), 1),
    );
  };
  return Object.assign(give, { cancel });
}
