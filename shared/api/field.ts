import type { LngLat } from '../domain/common.js';

/** One point of a grid worker's or patrol's trail (GET /api/v1/field/trails/:key). */
export interface TrailPoint {
  position: LngLat;
  at: string;
}
