/**
 * The screen's beat. What a screen changes from time to time (the clock, the figures, the
 * boards, the map's stamps) changes on the same wall-clock boundaries, whole or half seconds, so
 * the browser paints it all in one frame instead of each change in its own. Without a fast GPU
 * (a wall PC, a video controller) every painted frame composites the whole screen again, and
 * at 200 updates a second the panels' own timers, each at its own phase, made several a second.
 */

/** Milliseconds from `now` to the next multiple of `ms` (never less than a tenth of `ms`). */
export function untilBeat(ms: number, now = Date.now()): number {
  const left = ms - (now % ms);
  return left < ms / 10 ? left + ms : left;
}

/** Calls `fn` on every beat of `ms`; answers a function that stops it. */
export function everyBeat(ms: number, fn: () => void): () => void {
  let timer: number;
  const next = () => {
    timer = window.setTimeout(() => {
      fn();
      next();
    }, untilBeat(ms));
  };
  next();
  return () => window.clearTimeout(timer);
}

/**
 * Passes on the latest value given to it at the next beat of `ms`; values given in between
 * replace it.
 */
export function onNextBeat<T>(ms: number, apply: (value: T) => void): (value: T) => void {
  let latest: T;
  let timer: number | undefined;
  return (value) => {
    latest = value;
    timer ??= window.setTimeout(() => {
      timer = undefined;
      apply(latest);
    }, untilBeat(ms));
  };
}
