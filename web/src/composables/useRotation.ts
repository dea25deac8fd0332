import { computed, onBeforeUnmount, ref, type Ref } from 'vue';

/**
 * Cycles through a list of views on a fixed period; the wall runs its tour without a hand on it.
 * A period of 0 holds the first view.
 */
export function useRotation<T>(views: Ref<T[]>, periodSeconds: number) {
  const index = ref(0);
  const timer =
    periodSeconds > 0
      ? window.setInterval(
          () => (index.value = (index.value + 1) % Math.max(1, views.value.length)),
          periodSeconds * 1000,
        )
      : undefined;
  onBeforeUnmount(() => window.clearInterval(timer));
  return computed(() => views.value[index.value % Math.max(1, views.value.length)]);
}
