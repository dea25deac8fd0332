import { onBeforeUnmount, ref, watch, type Ref } from 'vue';

/**
 * Follows a changing revision at most once per `ms`: the first change after a quiet spell
 * passes at once (a new incident shows immediately), a burst is folded into one trailing update.
 */
export function useThrottledRevision(source: () => number, ms: number): Ref<number> {
  const out = ref(source());
  let last = 0;
  let timer: number | undefined;
  const emit = () => {
    timer = undefined;
    last = Date.now();
    out.value = source();
  };
  watch(source, () => {
    if (timer !== undefined) return;
    const wait = last + ms - Date.now();
    if (wait <= 0) emit();
    else timer = window.setTimeout(emit, wait);
  });
  onBeforeUnmount(() => window.clearTimeout(timer));
  return out;
}
