import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';

/**
 * Live incidents by id. The map itself is not reactive: with 20,000 incidents and 200 updates a
 * second, views follow `revision` (usually through `useThrottledRevision`) and read the map when
 * they redraw, so a burst costs one redraw, not one per incident.
 */
export const useIncidentsStore = defineStore('incidents', () => {
  const byId = new Map<string, IncidentSummary>();
  /** Bumped on every change. */
  const revision = ref(0);

  function reset(incidents: IncidentSummary[]): void {
    byId.clear();
    for (const i of incidents) byId.set(i.id, i);
    revision.value += 1;
  }

  function upsert(incidents: IncidentSummary[]): void {
    for (const i of incidents) byId.set(i.id, i);
    revision.value += 1;
  }

  /** Reads track `revision`, so a computed that calls these follows every change. */
  function get(id: string): IncidentSummary | undefined {
    void revision.value;
    return byId.get(id);
  }
  function all(): IterableIterator<IncidentSummary> {
    void revision.value;
    return byId.values();
  }
  /** The same without tracking, for views that follow a throttled revision instead. */
  function snapshot(): IterableIterator<IncidentSummary> {
    return byId.values();
  }

  return { revision, reset, upsert, get, all, snapshot };
});
