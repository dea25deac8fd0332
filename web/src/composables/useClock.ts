import { onBeforeUnmount, ref } from 'vue';
import { everyBeat } from './beat.js';

/** The current time, ticking on every beat of `ms`; for clocks and "n minutes ago" labels. */
export function useClock(ms = 1_000) {
  const now = ref(Date.now());
  onBeforeUnmount(everyBeat(ms, (beat) => (now.value = beat)));
  return now;
}
