import type { Camera } from '../../../shared/domain/cameras.js';
import type { LevelRules } from '../../../shared/domain/levels.js';
import type { KeyPlace } from '../../../shared/domain/city.js';
import type { Department, Patrol } from '../../../shared/domain/organisation.js';
import type { GridWorker, RegionCollection } from '../../../shared/domain/regions.js';
import { apiFetch } from './http.js';

export type { KeyPlace } from '../../../shared/domain/city.js';
export type { Department, Patrol } from '../../../shared/domain/organisation.js';
export type { GridWorker, RegionCollection } from '../../../shared/domain/regions.js';

/** What the login page and the map need to know before anything else. */
export interface ClientConfig {
  mapStyleUrl: string;
  city: { name: string; center: [number, number]; bbox: [number, number, number, number] };
  demo: boolean;
  /** The centre's offset from UTC: its days and clock times, whatever the PC's own zone. */
  utcOffsetMinutes: number;
  /**
   * The walls: each one's name (its key in plans and pushes), the title screens call it by when
   * it has one, and for a sub-centre's, the region it shows.
   */
  walls: { name: string; title?: string; regionId?: string }[];
  /** The centre's level rules (五级联动): which levels have centres, deadlines to take. */
  levels: LevelRules;
}

// The city's reference data, one request per resource; it changes only with a new deployment.

export function fetchClientConfig(): Promise<ClientConfig> {
  return apiFetch<ClientConfig>('/api/v1/client-config');
}

export function fetchRegions(): Promise<RegionCollection> {
  return apiFetch<RegionCollection>('/api/v1/regions');
}

export function fetchDepartments(): Promise<Department[]> {
  return apiFetch<Department[]>('/api/v1/departments');
}

export function fetchPatrols(): Promise<Patrol[]> {
  return apiFetch<Patrol[]>('/api/v1/patrols');
}

export function fetchKeyPlaces(): Promise<KeyPlace[]> {
  return apiFetch<KeyPlace[]>('/api/v1/key-places');
}

/** Every grid worker with the grids they walk and their phone number. */
export function fetchGridWorkers(): Promise<GridWorker[]> {
  return apiFetch<GridWorker[]>('/api/v1/grid-workers');
}

/** The cameras' points and registry facts; never an upstream URL or a credential. */
export function fetchCameras(): Promise<Camera[]> {
  return apiFetch<Camera[]>('/api/v1/cameras');
}
