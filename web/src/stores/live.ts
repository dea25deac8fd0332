import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import type {
  Kpis,
  PatrolPosition,
  WallPush,
  WorkerPosition,
} from '../../../shared/realtime/events.js';
import { onNextBeat } from '../composables/beat.js';

/** The link's state and the figures that arrive over it, with when each last changed. */
export const useLiveStore = defineStore('live', () => {
  const connected = ref(false);
  const error = ref<string>();
  /** When the picture was last confirmed current (snapshot, delta or KPI push). */
  const lastUpdate = ref<number>();
  const kpis = shallowRef<Kpis>();
  const patrols = shallowRef<PatrolPosition[]>([]);
  /** Grid workers on duty (在岗) and where their phones last were. */
  const workers = shallowRef<WorkerPosition[]>([]);
  /** The latest push to the walls, for the walls to obey. */
  const wallPush = shallowRef<WallPush>();
  /** Incidents first seen in the latest batch of deltas (not in a snapshot): what just happened. */
  const arrivals = shallowRef<IncidentSummary[]>([]);

  const stamp = onNextBeat<number>(1_000, (at) => (lastUpdate.value = at));
  /**
   * Shown to the second, on the screen's beat: under load a change every frame would redraw
   * every panel's stamp. The first one shows at once.
   */
  function touch(): void {
    if (lastUpdate.value === undefined) lastUpdate.value = Date.now();
    else stamp(Date.now());
  }

  return { connected, error, lastUpdate, kpis, patrols, workers, wallPush, arrivals, touch };
});
