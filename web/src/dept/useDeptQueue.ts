import { computed, type Ref } from 'vue';
import { useCentreTime } from '../composables/useCentreTime.js';
import { useClock } from '../composables/useClock.js';
import { useThrottledRevision } from '../composables/useThrottledRevision.js';
import { useIncidentsStore } from '../stores/incidents.js';
import { deptQueue, doneToday } from './queue.js';

/**
 * The department's queue and today's reported cases from the live store. The store is scanned
 * at most twice a second (a city's burst of changes is folded into one look); the clock ticks
 * every second so that the time left counts down, which re-renders only the department's rows.
 */
export function useDeptQueue(departmentId: Ref<string | undefined>) {
  const incidents = useIncidentsStore();
  const tick = useThrottledRevision(() => incidents.revision, 500);
  const now = useClock(1_000);
  const centre = useCentreTime();
  // Changes once a day, so the list of today's reports is not recomputed every second.
  const today = computed(() => centre.day(now.value));

  const rows = computed(() => {
    void tick.value;
    return departmentId.value ? deptQueue(incidents.snapshot(), departmentId.value) : [];
  });
  const done = computed(() => {
    void tick.value;
    void today.value;
    return departmentId.value
      ? doneToday(incidents.snapshot(), departmentId.value, Date.now(), centre.offset())
      : [];
  });
  /** Whether the live feed has delivered its first snapshot (the alerts' baseline). */
  const loaded = computed(() => tick.value > 0);
  return { rows, done, now, loaded };
}
