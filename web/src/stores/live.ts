import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';
import type { Warning } from '../../../shared/domain/warnings.js';
import type {
  Kpis,
  PatrolPosition,
  WallPush,
  WorkerPosition,
} from '../../../shared/realtime/events.js';
import type { LiveAlert } from '../alerts/alert-for.js';
import { onNextBeat } from '../composables/beat.js';
import { applyWarnings, warningsFromSnapshot } from '../warnings/live.js';

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
  /** The latest nudge that tour plans or the patrol log changed (视频巡查). */
  const videoPatrolsChange = shallowRef<{ what: 'plans' | 'log'; at: string }>();
  /** Incidents first seen in the latest batch of deltas (not in a snapshot): what just happened. */
  const arrivals = shallowRef<IncidentSummary[]>([]);
  /** The warnings not yet resolved (预警), most urgent first. */
  const warnings = shallowRef<readonly Warning[]>([]);
  /**
   * What the latest batch of live deltas alerted (a critical incident, a red warning: see
   * alerts/alert-for.ts), a new array each time; never from a snapshot.
   */
  const alerts = shallowRef<readonly LiveAlert[]>([]);

  const stamp = onNextBeat<number>(1_000, (at) => (lastUpdate.value = at));
  /**
   * Shown to the second, on the screen's beat: under load a change every frame would redraw
   * every panel's stamp. The first one shows at once.
   */
  function touch(): void {
    if (lastUpdate.value === undefined) lastUpdate.value = Date.now();
    else stamp(Date.now());
  }

  /** A snapshot's warnings replace those held. */
  function resetWarnings(next: readonly Warning[] | undefined): void {
    warnings.value = warningsFromSnapshot(next);
  }

  /**
   * Warnings changed, from the live feed's deltas or an action's answer. An answer only updates
   * a warning still held (`addNew: false`): one resolved meanwhile by a delta stays gone.
   */
  function updateWarnings(changed: readonly Warning[], options?: { addNew?: boolean }): void {
    warnings.value = applyWarnings(warnings.value, changed, options);
  }

  return {
    connected,
    error,
    lastUpdate,
    kpis,
    patrols,
    workers,
    wallPush,
    videoPatrolsChange,
    arrivals,
    warnings,
    alerts,
    touch,
    resetWarnings,
    updateWarnings,
  };
});
