import { defineStore } from 'pinia';
import { ref, shallowRef, watch } from 'vue';
import type { TourPlan } from '../../../shared/domain/video-patrols.js';
import { listTourPlans } from '../api/video-patrols.js';
import { useLiveStore } from './live.js';

/**
 * Video patrols (视频巡查) as this screen knows them: the tour plans, read again whenever the
 * server says they changed (and after the live link comes back, in case they changed while it
 * was down), and a counter the patrol log watches to read its day again.
 */
export const useVideoPatrolsStore = defineStore('videoPatrols', () => {
  const live = useLiveStore();
  const plans = shallowRef<TourPlan[]>([]);
  const loaded = ref(false);
  /** Bumped when the patrol log changed anywhere. */
  const logRevision = ref(0);
  let loading: Promise<void> | undefined;

  function load(): Promise<void> {
    loading ??= listTourPlans()
      .then((list) => {
        plans.value = list;
        loaded.value = true;
      })
      // A screen that may not read plans (or a blip) keeps what it had; the next nudge retries.
      .catch(() => undefined)
      .finally(() => (loading = undefined));
    return loading;
  }

  watch(
    () => live.videoPatrolsChange,
    (change) => {
      if (change?.what === 'plans') void load();
      if (change?.what === 'log') logRevision.value++;
    },
  );
  watch(
    () => live.connected,
    (connected) => {
      if (connected && loaded.value) {
        void load();
        logRevision.value++;
      }
    },
  );

  return { plans, loaded, logRevision, load };
});
