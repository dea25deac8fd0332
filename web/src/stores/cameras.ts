import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { Camera, CameraStatus } from '../../../shared/index.js';
import { apiFetch } from '../api/http.js';

/** Camera points (from the API) and their live health (from the socket). */
export const useCamerasStore = defineStore('cameras', () => {
  const list = shallowRef<Camera[]>([]);
  const status = shallowRef(new Map<string, CameraStatus>());

  async function load(): Promise<void> {
    list.value = await apiFetch<Camera[]>('/api/v1/cameras');
  }

  function resetStatus(entries: { id: string; status: CameraStatus }[]): void {
    status.value = new Map(entries.map((e) => [e.id, e.status]));
  }

  function setStatus(id: string, next: CameraStatus): void {
    // A new map, so watchers of `status` see a change (the wall redraws cones from it).
    status.value = new Map(status.value).set(id, next);
  }

  return { list, status, load, resetStatus, setStatus };
});
