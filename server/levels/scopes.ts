import {
  SUB_CENTRE_LEVELS,
  inScope,
  type Actor,
  type Area,
  type City,
  type LngLat,
  type LevelRules,
  type Region,
  type Scope,
  type SubCentreLevel,
} from '../../shared/index.js';
import { HttpError } from '../http-error.js';

/** Who is asking, as far as their area goes: a user, a wall, an actor. */
export interface Placed {
  role: string;
  regionId?: string;
  departmentId?: string;
}

/**
 * The areas of sub-centres (五级联动) over the city's region tree: which region a user, a wall
 * or a department works, and whether an incident, a camera, a patrol or another region lies in
 * it. Every route, the socket and the statistics ask here, so a scope is enforced by the server
 * the same way everywhere and never left to a browser to hide.
 */
export class Scopes {
  private readonly regions = new Map<string, Region>();
  /** Each grid's and sub-centre region's place at every level above it (itself included). */
  private readonly areas = new Map<string, Partial<Area>>();
  private readonly cameraGrid = new Map<string, string>();
  private readonly departmentArea = new Map<string, string>();
  private readonly patrolRegion = new Map<string, string>();
  private readonly workerGrids = new Map<string, readonly string[]>();

  constructor(
    city: Pick<City, 'regions' | 'cameras' | 'departments'> &
      Partial<Pick<City, 'patrols' | 'gridWorkers'>>,
    readonly rules: LevelRules,
  ) {
    for (const p of city.patrols ?? []) this.patrolRegion.set(p.id, p.regionId);
    for (const w of city.gridWorkers ?? []) this.workerGrids.set(w.id, w.gridIds);
    for (const f of city.regions.features) this.regions.set(f.properties.id, f.properties);
    for (const region of this.regions.values()) this.areas.set(region.id, this.walkUp(region));
    for (const c of city.cameras) this.cameraGrid.set(c.id, c.regionId);
    for (const d of city.departments) {
      const area = d.regionId ?? d.streetId;
      if (area) this.departmentArea.set(d.id, area);
    }
  }

  /** The scope a sub-centre region gives, or undefined if the id is not one. */
  scopeOfRegion(regionId: string): Scope | undefined {
    const region = this.regions.get(regionId);
    if (!region || !(SUB_CENTRE_LEVELS as readonly string[]).includes(region.level))
      return undefined;
    return { regionId, level: region.level as SubCentreLevel };
  }

  /**
   * Where someone works: the sub-centre their account names, else a department's own area (a
   * street office, a community's service station), else the whole city (undefined).
   */
  of(who: Placed): Scope | undefined {
    if (who.regionId) {
      const scope = this.scopeOfRegion(who.regionId);
      // An account naming a region the city lacks is refused at start; should one slip through
      // (the package replaced under it), it sees nothing rather than everything.
      return scope ?? { regionId: who.regionId, level: 'community' };
    }
    if (who.role === 'department' && who.departmentId) {
      const area = this.departmentArea.get(who.departmentId);
      if (area) return this.scopeOfRegion(area);
    }
    return undefined;
  }

  /** The actor with its sub-centre's level, which the workflow's rules need. */
  actor(actor: Actor): Actor {
    if (!actor.regionId) return actor;
    const scope = this.of(actor);
    return scope ? { ...actor, regionLevel: scope.level } : actor;
  }

  /** Refuses an incident outside someone's area, as 403 `outside_your_area`. */
  check(who: Placed, incident: Area & { id: string }): void {
    const scope = this.of(who);
    if (!inScope(scope, incident))
      throw new HttpError(
        403,
        `incident ${incident.id} is outside your area (${scope!.regionId})`,
        {
          code: 'outside_your_area',
        },
      );
  }

  /** Whether a region (a grid, a community, a street...) lies in a scope. */
  regionIn(scope: Scope | undefined, regionId: string): boolean {
    if (!scope) return true;
    const area = this.areas.get(regionId);
    return !!area && inScope(scope, area as Area);
  }

  /** Whether two regions overlap: one lies in the other (a street's patrol, a community's desk). */
  overlaps(scope: Scope | undefined, regionId: string): boolean {
    if (!scope || this.regionIn(scope, regionId)) return true;
    const region = this.regions.get(regionId);
    return !!region && (SUB_CENTRE_LEVELS as readonly string[]).includes(region.level)
      ? this.regionIn({ regionId, level: region.level as SubCentreLevel }, scope.regionId)
      : region?.level === 'city';
  }

  /** A patrol's beat overlaps the area: a street's patrols show on its communities' desks. */
  patrolIn(scope: Scope | undefined, patrolId: string): boolean {
    const region = this.patrolRegion.get(patrolId);
    return !scope || (region !== undefined && this.overlaps(scope, region));
  }

  workerIn(scope: Scope | undefined, workerId: string): boolean {
    return !scope || (this.workerGrids.get(workerId) ?? []).some((g) => this.regionIn(scope, g));
  }

  cameraIn(scope: Scope | undefined, cameraId: string): boolean {
    if (!scope) return true;
    const grid = this.cameraGrid.get(cameraId);
    return grid !== undefined && this.regionIn(scope, grid);
  }

  /** Refuses a camera outside someone's area, as 403 `outside_your_area`. */
  checkCamera(who: Placed, cameraId: string): void {
    if (!this.cameraIn(this.of(who), cameraId))
      throw new HttpError(403, `camera ${cameraId} is outside your centre's area`, {
        code: 'outside_your_area',
      });
  }

  /** Whether a department may be sent to a place: city-wide ones anywhere, others in their area. */
  departmentServes(departmentId: string, area: Area): boolean {
    const own = this.departmentArea.get(departmentId);
    return !own || this.regionIn(this.scopeOfRegion(own), area.gridId);
  }

  /** The area a list is limited to: the one asked for if it lies in the scope, else refused. */
  narrow(scope: Scope | undefined, asked: string | undefined): string | undefined {
    if (!asked) return scope?.regionId;
    if (!this.regionIn(scope, asked))
      throw new HttpError(403, `region ${asked} is outside your area (${scope!.regionId})`, {
        code: 'outside_your_area',
      });
    return asked;
  }

  /** Where a grid lies at every level; undefined for a region that is not a whole grid. */
  areaOfGrid(gridId: string): Area | undefined {
    const a = this.areas.get(gridId);
    return a?.gridId && a.communityId && a.streetId && a.districtId ? (a as Area) : undefined;
  }

  /** A region's label point, where the screens put its name. */
  centreOf(regionId: string): LngLat | undefined {
    return this.regions.get(regionId)?.center;
  }

  regionName(regionId: string): string | undefined {
    return this.regions.get(regionId)?.name;
  }

  private walkUp(region: Region): Partial<Area> {
    const area: Partial<Area> = {};
    for (
      let r: Region | undefined = region;
      r;
      r = r.parentId ? this.regions.get(r.parentId) : undefined
    ) {
      if (r.level === 'grid') area.gridId = r.id;
      else if (r.level === 'community') area.communityId = r.id;
      else if (r.level === 'street') area.streetId = r.id;
      else if (r.level === 'district') area.districtId = r.id;
    }
    return area;
  }
}
