import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { KeyPlace } from '../../../shared/domain/city.js';
import type { Department, Patrol } from '../../../shared/domain/organisation.js';
import type { Region, RegionCollection, RegionLevel } from '../../../shared/domain/regions.js';
import { apiFetch } from '../api/http.js';

export interface ClientConfig {
  mapStyleUrl: string;
  city: { name: string; center: [number, number]; bbox: [number, number, number, number] };
  demo: boolean;
  /** Wall displays' device names, to push to one of them. */
  walls: string[];
}

/** The city's reference data: loaded once per session, it changes only with a new deployment. */
export const useCityStore = defineStore('city', () => {
  const config = shallowRef<ClientConfig>();
  const regions = shallowRef<RegionCollection>();
  const regionById = shallowRef(new Map<string, Region>());
  const departments = shallowRef<Department[]>([]);
  const patrols = shallowRef(new Map<string, Patrol>());
  const keyPlaces = shallowRef<KeyPlace[]>([]);
  let loading: Promise<void> | undefined;

  function load(): Promise<void> {
    loading ??= (async () => {
      const [c, r, d, p, k] = await Promise.all([
        apiFetch<ClientConfig>('/api/v1/client-config'),
        apiFetch<RegionCollection>('/api/v1/regions'),
        apiFetch<Department[]>('/api/v1/departments'),
        apiFetch<Patrol[]>('/api/v1/patrols'),
        apiFetch<KeyPlace[]>('/api/v1/key-places'),
      ]);
      config.value = c;
      regions.value = r;
      regionById.value = new Map(r.features.map((f) => [f.properties.id, f.properties]));
      departments.value = d;
      patrols.value = new Map(p.map((x) => [x.id, x]));
      keyPlaces.value = k;
    })().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  }

  /** The region itself or its ancestor at `level` (a camera's grid → its district). */
  function ancestor(regionId: string, level: RegionLevel): Region | undefined {
    let region = regionById.value.get(regionId);
    while (region && region.level !== level)
      region = region.parentId ? regionById.value.get(region.parentId) : undefined;
    return region;
  }

  return { config, regions, regionById, departments, patrols, keyPlaces, load, ancestor };
});
