import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { IncidentSummary } from '../../../shared/domain/incidents.js';

/**
 * Live incidents by id. The map itself is not reactive: with 20,000 incidents and 200 updates a
 * second, views follow `revision` (usually through `useThrottledRevision`) and read the map when
 * they redraw, so a burst costs one redraw, not one per incident.
 */
export const useIncidentsStore = defineStore('incidents', incidentBoard);

/** What the map and lists read incidents from: the live store, or a replay's board. */
export type IncidentBoard = Pick<
  ReturnType<typeof useIncidentsStore>,
  'revision' | 'changes' | 'get' | 'all' | 'snapshot' | 'peek'
>;

/** The store's body, for a board of its own (a replay) that views read the same way. */
export function incidentBoard() {
  const byId = new Map<string, IncidentSummary>();
  /** Bumped on every change. */
  const revision = ref(0);
  /** Per follower (see `changes`): the ids changed since it last took them; null after a reset. */
  const pending = new Set<{ ids: Set<string> | null }>();

  function reset(incidents: IncidentSummary[]): void {
    byId.clear();
    for (const i of incidents) byId.set(i.id, i);
    for (const p of pending) p.ids = null;
    revision.value += 1;
  }

  function upsert(incidents: IncidentSummary[]): void {
    for (const i of incidents) byId.set(i.id, i);
    for (const p of pending) for (const i of incidents) p.ids?.add(i.id);
    revision.value += 1;
  }

  /** Takes incidents off (a replay going back before they came). */
  function remove(ids: readonly string[]): void {
    for (const id of ids) byId.delete(id);
    for (const p of pending) for (const id of ids) p.ids?.add(id);
    revision.value += 1;
  }

  /**
   * Follows which incidents change, for a view that redraws only those (the map): `take()`
   * answers the ids changed since the last take, or null when everything may have (a new
   * snapshot, or the first take). `stop()` when the view goes.
   */
  function changes(): { take(): Set<string> | null; stop(): void } {
    const p: { ids: Set<string> | null } = { ids: null };
    pending.add(p);
    return {
      take() {
        const ids = p.ids;
        p.ids = new Set();
        return ids;
      },
      stop: () => void pending.delete(p),
    };
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
  function peek(id: string): IncidentSummary | undefined {
    return byId.get(id);
  }

  return { revision, reset, upsert, remove, changes, get, all, snapshot, peek };
}
