import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { untilBeat } from './beat.js';

/**
 * Follows a changing revision at most about once per `ms`: the first change after a quiet spell
 * passes at once (a new incident shows immediately), a burst is folded into one trailing update,
 * on the screen's beat (./beat.ts) so that it paints in the same frame as the other panels'.
 */
export function useThrottledRevision(source: () => number, ms: number): Ref<number> {
  const out = ref(source());
  let last = -Infinity;
  let timer: number | undefined;
  const emit = () => {
    timer = undefined;
    last = Date.now();
    out.value = source();
  };
  watch(source, () => {
    if (timer !== undefined) return;
    const now = Date.now();
    if (now - last >= ms) return emit();
    // On the half-beat grid, so that no update waits longer than `ms` after the last one.
    const from = Math.max(now, last + ms / 2);
    timer = window.setTimeout(emit, from + untilBeat(ms / 2, from, 1) - now);
  });
  onBeforeUnmount(() => window.clearTimeout(timer));
  return out;
}
