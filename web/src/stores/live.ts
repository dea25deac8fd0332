import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import type { Kpis, PatrolPosition, WallPush } from '../../../shared/realtime/events.js';

/** The link's state and the figures that arrive over it, with when each last changed. */
export const useLiveStore = defineStore('live', () => {
  const connected = ref(false);
  const error = ref<string>();
  /** When the picture was last confirmed current (snapshot, delta or KPI push). */
  const lastUpdate = ref<number>();
  const kpis = shallowRef<Kpis>();
  const patrols = shallowRef<PatrolPosition[]>([]);
  /** The latest push to the walls, for the walls to obey. */
  const wallPush = shallowRef<WallPush>();
  /** Incidents first seen in the latest batch of deltas (not in a snapshot): what just happened. */
  const arrivals = shallowRef<IncidentSummary[]>([]);

  /** Shown to the second: under load a change every frame would redraw every panel's stamp. */
  function touch(): void {
    const now = Date.now();
    const last = lastUpdate.value;
    if (last === undefined || Math.floor(now / 1_000) !== Math.floor(last / 1_000))
      lastUpdate.value = now;
  }

  return { connected, error, lastUpdate, kpis, patrols, wallPush, arrivals, touch };
});
