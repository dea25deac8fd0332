import { onBeforeUnmount, readonly, ref, watch, type Ref } from 'vue';
import { untilBeat } from './beat.js';

/** Bumped by `paintAtOnce`: every throttled revision passes the change without waiting. */
const urgent = ref(0);
/** How many urgent changes there have been, for a view with a cadence of its own to follow. */
export const urgentPaints: Readonly<Ref<number>> = readonly(urgent);

/**
 * The change just made must show at once (a critical incident, a red warning: the live feed
 * calls this after putting it in the stores): every view following a throttled revision takes
 * it now rather than at its next beat.
 */
export function paintAtOnce(): void {
  urgent.value += 1;
}

/**
 * Follows a changing revision at most about once per `ms`: the first change after a quiet spell
 * passes at once (a new incident shows immediately), a burst is folded into one trailing update,
 * on the screen's beat (./beat.ts) so that it paints in the same frame as the other panels'.
 * A change marked urgent (`paintAtOnce`) passes at once too, off the beat; those are throttled
 * on their own to once per `ms`, so that a flood of them costs at most twice the redraws.
 */
export function useThrottledRevision(source: () => number, ms: number): Ref<number> {
  const out = ref(source());
  let last = -Infinity;
  let lastUrgent = -Infinity;
  let timer: number | undefined;
  const emit = () => {
    window.clearTimeout(timer);
    timer = undefined;
    last = Date.now();
    out.value = source();
  };
  watch([source, () => urgent.value], ([value, mark], [, was]) => {
    // Marked urgent with nothing new for this view.
    if (value === out.value) return;
    const now = Date.now();
    if (mark !== was && now - lastUrgent >= ms) {
      lastUrgent = now;
      return emit();
    }
    if (timer !== undefined) return;
    if (now - last >= ms) return emit();
    // On the half-beat grid, so that no update waits longer than `ms` after the last one.
    const from = Math.max(now, last + ms / 2);
    timer = window.setTimeout(emit, from + untilBeat(ms / 2, from, 1) - now);
  });
  onBeforeUnmount(() => window.clearTimeout(timer));
  return out;
}
