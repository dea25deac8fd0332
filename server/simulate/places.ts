import {
  areaBBox,
  AreaIndex,
  cameraSees,
  destination,
  pointInArea,
  type BBox,
  type Camera,
  type Category,
  type LngLat,
  type City,
  type RegionFeature,
} from '../../shared/index.js';
import type { Hotspot } from './hotspots.js';
import { between, chance, pick, weighted, type Random } from './random.js';

export type { Hotspot };

/** What the simulator needs of the city: the package's, with its hot spots if it has any. */
export type SimCity = Pick<
  City,
  'regions' | 'cameras' | 'departments' | 'gridWorkers' | 'patrols'
> & {
  hotspots: Hotspot[];
};

export interface GridPlace {
  id: string;
  name: string;
  communityName: string;
  streetId: string;
  feature: RegionFeature;
  bbox: BBox;
  /** How much happens here: the grid's population (households, else 1). */
  weight: number;
  gridWorkerId: string | undefined;
}

/** Where things happen: grids weighted by population, hot spots, the ground a camera sees. */
export class Places {
  readonly grids: GridPlace[];
  readonly byId: Map<string, GridPlace>;
  private readonly index: AreaIndex<GridPlace>;
  private readonly hotspots: Map<Category, Hotspot[]>;
  private readonly totalWeight: number;

  constructor(city: SimCity) {
    const regions = new Map(city.regions.features.map((f) => [f.properties.id, f.properties]));
    this.grids = city.regions.features
      .filter((f) => f.properties.level === 'grid')
      .map((feature): GridPlace => {
        const grid = feature.properties;
        const community = grid.parentId ? regions.get(grid.parentId) : undefined;
        const street = community?.parentId ? regions.get(community.parentId) : undefined;
        return {
          id: grid.id,
          name: grid.name,
          communityName: community?.name ?? grid.name,
          streetId: street?.id ?? '',
          feature,
          bbox: areaBBox(feature.geometry),
          weight: Math.max(1, grid.population ?? (grid.households ?? 0) * 2.8) || 1,
          gridWorkerId:
            grid.gridWorkerId ?? city.gridWorkers.find((w) => w.gridIds.includes(grid.id))?.id,
        };
      });
    if (!this.grids.length) throw new Error('the city has no grids to simulate in');
    this.byId = new Map(this.grids.map((g) => [g.id, g]));
    this.index = new AreaIndex(this.grids, (g) => g.feature.geometry);
    this.totalWeight = this.grids.reduce((s, g) => s + g.weight, 0);
    this.hotspots = new Map();
    for (const h of city.hotspots) {
      if (!this.byId.has(h.gridId) || !(h.weight > 0)) continue;
      const list = this.hotspots.get(h.category) ?? [];
      list.push(h);
      this.hotspots.set(h.category, list);
    }
  }

  gridAt(point: LngLat): GridPlace | undefined {
    return this.index.find(point);
  }

  /** A grid drawn in proportion to how many people live there. */
  randomGrid(rng: Random): GridPlace {
    let r = rng() * this.totalWeight;
    for (const g of this.grids) {
      r -= g.weight;
      if (r < 0) return g;
    }
    return this.grids[this.grids.length - 1]!;
  }

  /** A random point inside the grid (its label point when the polygon is too thin to hit). */
  pointIn(grid: GridPlace, rng: Random): LngLat {
    const [w, s, e, n] = grid.bbox;
    for (let i = 0; i < 40; i++) {
      const p: LngLat = [between(rng, w, e), between(rng, s, n)];
      if (pointInArea(p, grid.feature.geometry)) return p;
    }
    return grid.feature.properties.center;
  }

  /** A point within `metres` of `origin` that stays inside the same grid, else the origin. */
  near(origin: LngLat, metres: number, rng: Random): LngLat {
    const home = this.gridAt(origin);
    for (let i = 0; i < 12; i++) {
      const p = destination(origin, rng() * 360, Math.sqrt(rng()) * metres);
      const grid = this.gridAt(p);
      if (grid && (!home || grid === home)) return p;
    }
    return origin;
  }

  hotspotsFor(category: Category): readonly Hotspot[] {
    return this.hotspots.get(category) ?? [];
  }

  /** A hot spot of the category, drawn by weight, or undefined when the city has none. */
  randomHotspot(category: Category, rng: Random): Hotspot | undefined {
    const list = this.hotspotsFor(category);
    return list.length ? weighted(rng, list, (h) => h.weight) : undefined;
  }

  /**
   * A point where a hot spot's trouble happens: mostly at its address, sometimes elsewhere in
   * its grid (the same housing estate).
   */
  hotspotPoint(hotspot: Hotspot, rng: Random): LngLat {
    const grid = this.byId.get(hotspot.gridId)!;
    if (chance(rng, 0.35)) return this.pointIn(grid, rng);
    const p = this.near(hotspot.position, 40, rng);
    return this.gridAt(p) ? p : this.pointIn(grid, rng);
  }

  /** A point inside the camera's view cone and inside the city, or undefined if none found. */
  cameraPoint(camera: Camera, rng: Random): LngLat | undefined {
    for (let i = 0; i < 16; i++) {
      const half = Math.min(camera.fov, 359) / 2;
      const bearing = (camera.bearing + between(rng, -half, half) * 0.85 + 360) % 360;
      const p = destination(camera.position, bearing, camera.range * between(rng, 0.15, 0.85));
      if (cameraSees(camera, p) && this.gridAt(p)) return p;
    }
    return undefined;
  }

  /** A camera that could raise an alarm now: online or stale, never offline. */
  randomCamera(cameras: readonly Camera[], rng: Random): Camera | undefined {
    const live = cameras.filter((c) => c.status !== 'offline');
    return live.length ? pick(rng, live) : undefined;
  }
}
