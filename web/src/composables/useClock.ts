import { onBeforeUnmount, ref } from 'vue';

/** The current time, ticking every `ms`; for clocks and "n minutes ago" labels. */
export function useClock(ms = 1_000) {
  const now = ref(Date.now());
  const timer = window.setInterval(() => (now.value = Date.now()), ms);
  onBeforeUnmount(() => window.clearInterval(timer));
  return now;
}
