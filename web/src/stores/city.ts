import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { KeyPlace } from '../../../shared/domain/city.js';
import type { Department, Patrol } from '../../../shared/domain/organisation.js';
import type {
  GridWorker,
  Region,
  RegionCollection,
  RegionLevel,
} from '../../../shared/domain/regions.js';
import {
  fetchClientConfig,
  fetchDepartments,
  fetchGridWorkers,
  fetchKeyPlaces,
  fetchPatrols,
  fetchRegions,
  type ClientConfig,
} from '../api/city.js';

export type { ClientConfig } from '../api/city.js';

/** The city's reference data: loaded once per session, it changes only with a new deployment. */
export const useCityStore = defineStore('city', () => {
  const config = shallowRef<ClientConfig>();
  const regions = shallowRef<RegionCollection>();
  const regionById = shallowRef(new Map<string, Region>());
  const departments = shallowRef<Department[]>([]);
  const patrols = shallowRef(new Map<string, Patrol>());
  const keyPlaces = shallowRef<KeyPlace[]>([]);
  const gridWorkers = shallowRef(new Map<string, GridWorker>());
  let loading: Promise<void> | undefined;
  let loadingWorkers: Promise<void> | undefined;

  function load(): Promise<void> {
    loading ??= (async () => {
      const [c, r, d, p, k] = await Promise.all([
        fetchClientConfig(),
        fetchRegions(),
        fetchDepartments(),
        fetchPatrols(),
        fetchKeyPlaces(),
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

  /**
   * The grid workers, with their phone numbers: only the desk's pickers and the worker layer need
   * them, so they load on first use rather than with every screen.
   */
  function loadGridWorkers(): Promise<void> {
    loadingWorkers ??= fetchGridWorkers()
      .then((w) => void (gridWorkers.value = new Map(w.map((x) => [x.id, x]))))
      .catch((err: unknown) => {
        loadingWorkers = undefined;
        throw err;
      });
    return loadingWorkers;
  }

  /** The region itself or its ancestor at `level` (a camera's grid → its district). */
  function ancestor(regionId: string, level: RegionLevel): Region | undefined {
    let region = regionById.value.get(regionId);
    while (region && region.level !== level)
      region = region.parentId ? regionById.value.get(region.parentId) : undefined;
    return region;
  }

  return {
    config,
    regions,
    regionById,
    departments,
    patrols,
    keyPlaces,
    gridWorkers,
    load,
    loadGridWorkers,
    ancestor,
  };
});
