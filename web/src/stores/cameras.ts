import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { Camera, CameraStatus } from '../../../shared/domain/cameras.js';
import { fetchCameras } from '../api/city.js';

/** Camera points (from the API) and their live health (from the socket). */
export const useCamerasStore = defineStore('cameras', () => {
  const list = shallowRef<Camera[]>([]);
  const byId = computed(() => new Map(list.value.map((c) => [c.id, c])));
  const status = shallowRef(new Map<string, CameraStatus>());
  let loading: Promise<void> | undefined;

  /** Loads once per page; every screen part that needs the cameras may ask. */
  function load(): Promise<void> {
    loading ??= fetchCameras().then(
      (cameras) => void (list.value = cameras),
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    );
    return loading;
  }

  function resetStatus(entries: { id: string; status: CameraStatus }[]): void {
    status.value = new Map(entries.map((e) => [e.id, e.status]));
  }

  function setStatus(id: string, next: CameraStatus): void {
    // A new map, so watchers of `status` see a change (the wall redraws cones from it).
    status.value = new Map(status.value).set(id, next);
  }

  /** Every camera with its live health, as the shared geometry wants them; one list per change. */
  const withHealth = computed(() =>
    list.value.map((c) => {
      const now = status.value.get(c.id);
      return now && now !== c.status ? { ...c, status: now } : c;
    }),
  );

  return { list, byId, status, withHealth, load, resetStatus, setStatus };
});
