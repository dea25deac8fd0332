import { randomUUID } from 'node:crypto';
import {
  distanceMetres,
  KEY_PLACE_RADIUS_M,
  MAX_PLAN_CAMERAS,
  type City,
  type Scope,
  type TourCameras,
  type TourPlan,
  type TourPlanInput,
  type VideoPatrol,
} from '../../shared/index.js';
import type { FieldProblem } from '../../shared/errors.js';
import type { AuditTrail } from '../audit/audit.js';
import type { Principal } from '../auth/auth.js';
import { HttpError } from '../http-error.js';
import type { Scopes } from '../levels/scopes.js';
import type { Clock } from '../live/clock.js';
import { CentreDay } from '../live/day.js';
import { VideoPatrolDb, type StoredPatrol, type StoredPlan } from './db.js';

/** How soon after its run ended a wall starting the same plan is taken as a reload. */
const RESUME_WITHIN_MS = 2 * 60_000;

/** A wall that may run plans: its device name and the sub-centre region it belongs to. */
export interface WallDevice {
  name: string;
  regionId?: string;
}

export interface VideoPatrolDeps {
  databaseFile: string;
  synchronous: 'full' | 'normal';
  city: Pick<City, 'cameras' | 'keyPlaces' | 'regions'>;
  scopes: Scopes;
  /** The walls as the accounts have them now (a wall added by a reload counts at once). */
  walls: () => readonly WallDevice[];
  audit: AuditTrail;
  clock: Clock;
  utcOffsetMinutes: number;
  /** Tells the screens that plans or the log changed, so they read them again. */
  changed: (what: 'plans' | 'log') => void;
}

/** Who is asking, with the address the audit trail records. */
export interface Asker {
  principal: Principal;
  address?: string;
}

const invalid = (fields: FieldProblem[]) =>
  new HttpError(400, fields.map((f) => `${f.path}: ${f.message}`).join('; '), {
    code: 'invalid_fields',
    fields,
  });

/**
 * Video patrols (视频巡查): tour plans, checked against the city and the asker's area before
 * anything is written, and the patrol log. A plan belongs to the centre of whoever made it; a
 * sub-centre sees its own plans and those of the centres above it (their cameras cut to its
 * area), and changes only its own and those of the centres below it.
 */
export class VideoPatrols {
  private readonly db: VideoPatrolDb;
  private readonly day: CentreDay;
  private readonly cameraIds: ReadonlySet<string>;

  constructor(private readonly deps: VideoPatrolDeps) {
    this.db = new VideoPatrolDb(deps.databaseFile, deps.synchronous);
    this.day = new CentreDay(deps.utcOffsetMinutes);
    this.cameraIds = new Set(deps.city.cameras.map((c) => c.id));
  }

  close(): void {
    this.db.close();
  }

  /** The plans the asker sees, each with its cameras as the asker may see them now. */
  plans({ principal }: Asker): TourPlan[] {
    const scope = this.deps.scopes.of(principal);
    return this.db
      .plans()
      .filter((p) => this.visible(scope, p))
      .map((p) => this.resolved(scope, p));
  }

  plan({ principal }: Asker, id: string): TourPlan {
    const scope = this.deps.scopes.of(principal);
    return this.resolved(scope, this.find(scope, id));
  }

  create(asker: Asker, input: TourPlanInput): TourPlan {
    const scope = this.deps.scopes.of(asker.principal);
    this.check(scope, input);
    const plan: StoredPlan = {
      id: `tp-${randomUUID()}`,
      ...input,
      ...(scope ? { regionId: scope.regionId } : {}),
      version: 1,
      updatedAt: this.deps.clock().toISOString(),
      updatedBy: asker.principal.name,
    };
    this.db.putPlan(plan);
    this.record(asker, 'create', plan);
    return this.resolved(scope, plan);
  }

  update(asker: Asker, id: string, input: TourPlanInput): TourPlan {
    const scope = this.deps.scopes.of(asker.principal);
    const before = this.editable(scope, id);
    this.check(scope, input);
    const plan: StoredPlan = {
      ...input,
      id,
      ...(before.regionId ? { regionId: before.regionId } : {}),
      version: before.version + 1,
      updatedAt: this.deps.clock().toISOString(),
      updatedBy: asker.principal.name,
    };
    this.db.putPlan(plan);
    this.record(asker, 'update', plan);
    return this.resolved(scope, plan);
  }

  remove(asker: Asker, id: string): void {
    const scope = this.deps.scopes.of(asker.principal);
    const plan = this.editable(scope, id);
    this.db.deletePlan(id);
    this.record(asker, 'delete', plan);
  }

  /** A run begins: a desk started a plan by hand, or a wall's schedule brought one up. */
  start(asker: Asker, planId: string, cameraIds: readonly string[]): VideoPatrol {
    const { principal } = asker;
    const scope = this.deps.scopes.of(principal);
    const plan = this.resolved(scope, this.find(scope, planId));
    const shown = cameraIds.length ? cameraIds : plan.cameraIds;
    this.checkShown(scope, shown);
    const now = this.deps.clock();
    const resumed = principal.deviceTokenHash
      ? this.resumable(principal.id, planId, now)
      : undefined;
    if (resumed) {
      delete resumed.endedAt;
      resumed.shownBefore = resumed.cameraIds;
      this.db.putPatrol(resumed, this.day.label(new Date(resumed.startedAt)));
      this.deps.changed('log');
      return publicPatrol(resumed);
    }
    const patrol: StoredPatrol = {
      id: `vp-${randomUUID()}`,
      planId,
      planName: plan.name,
      actor: principal.id,
      actorName: principal.name,
      by: principal.deviceTokenHash ? 'wall' : 'desk',
      cameraIds: [...shown],
      startedAt: now.toISOString(),
      notes: [],
      ...(scope ? { regionId: scope.regionId } : {}),
    };
    this.db.putPatrol(patrol, this.day.label(now));
    this.deps.changed('log');
    return publicPatrol(patrol);
  }

  /** A run ends, with the cameras it actually showed (the pages it reached). */
  end(asker: Asker, id: string, cameraIds?: readonly string[]): VideoPatrol {
    const patrol = this.ownPatrol(asker, id);
    if (cameraIds) this.checkShown(this.deps.scopes.of(asker.principal), cameraIds);
    // Ending twice (a retry after a lost answer) keeps the first end.
    if (!patrol.endedAt) {
      patrol.endedAt = this.deps.clock().toISOString();
      if (cameraIds?.length)
        patrol.cameraIds = [...new Set([...(patrol.shownBefore ?? []), ...cameraIds])];
      delete patrol.shownBefore;
      this.db.putPatrol(patrol, this.day.label(new Date(patrol.startedAt)));
      this.deps.changed('log');
    }
    return publicPatrol(patrol);
  }

  /** A note on a patrol by whoever ran it, or by anyone at a desk of its area afterwards. */
  note({ principal }: Asker, id: string, text: string): VideoPatrol {
    const patrol = this.patrolInScope(this.deps.scopes.of(principal), id);
    patrol.notes.push({ at: this.deps.clock().toISOString(), by: principal.name, text });
    this.db.putPatrol(patrol, this.day.label(new Date(patrol.startedAt)));
    this.deps.changed('log');
    return publicPatrol(patrol);
  }

  /** The patrols started on a centre day, in the asker's area, in the order they started. */
  dayLog({ principal }: Asker, date: string): VideoPatrol[] {
    const scope = this.deps.scopes.of(principal);
    return this.db
      .day(date)
      .filter((p) => this.inArea(scope, p.regionId))
      .map(publicPatrol);
  }

  /** The centre's day of an instant, for the routes' default date. */
  today(): string {
    return this.day.label(this.deps.clock());
  }

  /** Plans of this centre, of centres below it, and of the centres above it. */
  private visible(scope: Scope | undefined, plan: StoredPlan): boolean {
    if (!scope || !plan.regionId) return true;
    return this.deps.scopes.regionIn(scope, plan.regionId) || this.above(plan.regionId, scope);
  }

  /** Whether a region holds a scope's region (a street above one of its communities). */
  private above(regionId: string, scope: Scope): boolean {
    const theirs = this.deps.scopes.scopeOfRegion(regionId);
    return !!theirs && this.deps.scopes.regionIn(theirs, scope.regionId);
  }

  private inArea(scope: Scope | undefined, regionId: string | undefined): boolean {
    return !scope || (!!regionId && this.deps.scopes.regionIn(scope, regionId));
  }

  private find(scope: Scope | undefined, id: string): StoredPlan {
    const plan = this.db.plan(id);
    if (!plan || !this.visible(scope, plan))
      throw new HttpError(404, `no tour plan ${id}`, { code: 'tour_plan_not_found' });
    return plan;
  }

  /** A plan the asker may change: its own centre's or a centre's below; above it, 403. */
  private editable(scope: Scope | undefined, id: string): StoredPlan {
    const plan = this.find(scope, id);
    if (!this.inArea(scope, plan.regionId))
      throw new HttpError(403, `tour plan ${id} belongs to a centre above yours`, {
        code: 'outside_your_area',
      });
    return plan;
  }

  /**
   * A wall reloaded in the middle of a run (a restart, a new build) brings the same plan back
   * within moments: its run goes on in the log instead of a second entry for one window.
   */
  private resumable(actor: string, planId: string, now: Date): StoredPatrol | undefined {
    return this.db
      .day(this.day.label(now))
      .filter(
        (p) =>
          p.actor === actor &&
          p.planId === planId &&
          p.endedAt !== undefined &&
          now.getTime() - Date.parse(p.endedAt) <= RESUME_WITHIN_MS,
      )
      .at(-1);
  }

  private ownPatrol({ principal }: Asker, id: string): StoredPatrol {
    const patrol = this.patrolInScope(this.deps.scopes.of(principal), id);
    if (patrol.actor !== principal.id)
      throw new HttpError(403, `patrol ${id} was run by someone else`, { code: 'forbidden' });
    return patrol;
  }

  private patrolInScope(scope: Scope | undefined, id: string): StoredPatrol {
    const patrol = this.db.patrol(id);
    if (!patrol || !this.inArea(scope, patrol.regionId))
      throw new HttpError(404, `no patrol ${id}`, { code: 'video_patrol_not_found' });
    return patrol;
  }

  /**
   * Everything a plan names must exist in the city and lie in the asker's area: checked before
   * anything is written, every bad field named at once.
   */
  private check(scope: Scope | undefined, input: TourPlanInput): void {
    const { scopes, city } = this.deps;
    const problems: FieldProblem[] = [];
    const c = input.cameras;
    if (c.kind === 'list') {
      c.ids.forEach((id, i) => {
        if (!this.cameraIds.has(id))
          problems.push({ path: `cameras.ids.${i}`, message: `no camera ${id} in this city` });
        else if (!scopes.cameraIn(scope, id))
          problems.push({ path: `cameras.ids.${i}`, message: `camera ${id} is outside your area` });
      });
    } else if (c.kind === 'key-place') {
      const place = city.keyPlaces.find((p) => p.id === c.id);
      if (!place) problems.push({ path: 'cameras.id', message: `no key place ${c.id}` });
      else if (!scopes.regionIn(scope, place.gridId))
        problems.push({ path: 'cameras.id', message: `key place ${c.id} is outside your area` });
    } else {
      const street = scopes.scopeOfRegion(c.id);
      if (street?.level !== 'street')
        problems.push({ path: 'cameras.id', message: `no street ${c.id}` });
      else if (!scopes.regionIn(scope, c.id))
        problems.push({ path: 'cameras.id', message: `street ${c.id} is outside your area` });
    }
    if (input.walls !== 'all') {
      const walls = new Map(this.deps.walls().map((w) => [w.name, w]));
      input.walls.forEach((name, i) => {
        const wall = walls.get(name);
        if (!wall) problems.push({ path: `walls.${i}`, message: `no wall ${name}` });
        else if (scope && !(wall.regionId && scopes.regionIn(scope, wall.regionId)))
          problems.push({ path: `walls.${i}`, message: `wall ${name} is outside your area` });
      });
    }
    if (problems.length) throw invalid(problems);
  }

  private checkShown(scope: Scope | undefined, ids: readonly string[]): void {
    const problems: FieldProblem[] = [];
    ids.forEach((id, i) => {
      if (!this.cameraIds.has(id) || !this.deps.scopes.cameraIn(scope, id))
        problems.push({ path: `cameraIds.${i}`, message: `no camera ${id} in your area` });
    });
    if (problems.length) throw invalid(problems);
  }

  /** A plan with its cameras resolved now, cut to the reader's area. */
  private resolved(scope: Scope | undefined, plan: StoredPlan): TourPlan {
    const ids = this.resolve(plan.cameras).filter((id) => this.deps.scopes.cameraIn(scope, id));
    return { ...plan, cameraIds: ids.slice(0, MAX_PLAN_CAMERAS) };
  }

  private resolve(cameras: TourCameras): string[] {
    const { city, scopes } = this.deps;
    if (cameras.kind === 'list') return cameras.ids.filter((id) => this.cameraIds.has(id));
    if (cameras.kind === 'key-place') {
      const place = city.keyPlaces.find((p) => p.id === cameras.id);
      if (!place) return [];
      return city.cameras
        .map((c) => ({ id: c.id, m: distanceMetres(c.position, place.position) }))
        .filter((c) => c.m <= KEY_PLACE_RADIUS_M)
        .sort((a, b) => a.m - b.m || a.id.localeCompare(b.id))
        .map((c) => c.id);
    }
    const street = scopes.scopeOfRegion(cameras.id);
    if (street?.level !== 'street') return [];
    return city.cameras.filter((c) => scopes.cameraIn(street, c.id)).map((c) => c.id);
  }

  /** Plan changes are on the audit trail, and go out to every screen at once. */
  private record(asker: Asker, op: 'create' | 'update' | 'delete', plan: StoredPlan): void {
    const { principal } = asker;
    this.deps.audit.record({
      action: 'tour-plan.changed',
      actor: principal.id,
      actorRole: principal.role,
      ...(asker.address ? { address: asker.address } : {}),
      target: plan.name,
      detail: { op, planId: plan.id, version: plan.version },
    });
    this.deps.changed('plans');
  }
}

/** A patrol without the area it is filed under. */
function publicPatrol({
  regionId: _region,
  shownBefore: _shown,
  ...patrol
}: StoredPatrol): VideoPatrol {
  return patrol;
}
