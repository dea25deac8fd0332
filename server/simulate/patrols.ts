import {
  bearingDegrees,
  destination,
  distanceMetres,
  type LngLat,
  type Patrol,
  type PatrolPosition,
  type PatrolStatus,
} from '../../shared/index.js';
import { between, chance, type Random } from './random.js';

/** Metres per second: a patrol on foot, and one in a car or on a motorbike. */
export const FOOT_SPEED = 1.2;
export const VEHICLE_SPEED = 8;

export function patrolSpeed(patrol: Pick<Patrol, 'kind'>): number {
  return patrol.kind === 'police' || patrol.kind === 'special-police' ? VEHICLE_SPEED : FOOT_SPEED;
}

/** A closed route measured once, so a distance along it maps to a point and a heading. */
export class RouteTrack {
  readonly points: readonly LngLat[];
  /** Distance from the start to each point; the last entry is the loop's length. */
  private readonly cumulative: number[];

  constructor(route: readonly LngLat[]) {
    const first = route[0];
    const last = route[route.length - 1];
    const closed = first && last && first[0] === last[0] && first[1] === last[1];
    this.points = closed ? route : [...route, route[0]!];
    this.cumulative = [0];
    for (let i = 1; i < this.points.length; i++) {
      this.cumulative.push(
        this.cumulative[i - 1]! + distanceMetres(this.points[i - 1]!, this.points[i]!),
      );
    }
  }

  get length(): number {
    return this.cumulative[this.cumulative.length - 1]!;
  }

  /** Where `distance` metres along the loop is, and which way the road runs there. */
  at(distance: number): { position: LngLat; heading: number; segment: number } {
    const total = this.length;
    if (!(total > 0)) return { position: this.points[0]!, heading: 0, segment: 0 };
    const d = ((distance % total) + total) % total;
    // Binary search for the segment holding d.
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! <= d) lo = mid;
      else hi = mid;
    }
    const a = this.points[lo]!;
    const b = this.points[hi]!;
    const segLength = this.cumulative[hi]! - this.cumulative[lo]!;
    const heading = segLength > 0 ? bearingDegrees(a, b) : 0;
    const position = segLength > 0 ? destination(a, heading, d - this.cumulative[lo]!) : a;
    return { position, heading: normaliseHeading(heading), segment: lo };
  }
}

type Errand =
  | { kind: 'route' }
  | { kind: 'resting'; untilMs: number }
  | { kind: 'going'; target: LngLat }
  | { kind: 'on-scene'; target: LngLat; untilMs: number }
  | { kind: 'returning' };

interface Unit {
  patrol: Patrol;
  track: RouteTrack;
  speed: number;
  onFoot: boolean;
  /** Metres along the route. */
  along: number;
  position: LngLat;
  heading: number;
  errand: Errand;
}

/** How far a patrol goes to a new incident, and how long it stays there (simulated time). */
const RESPOND_RADIUS_M = 1_500;
const ON_SCENE_MS: [number, number] = [5 * 60_000, 15 * 60_000];
const REST_MS: [number, number] = [10 * 60_000, 20 * 60_000];
/** Chance per simulated minute that a foot patrol takes a break. */
const REST_PER_MINUTE = 0.004;

/**
 * Every patrol's live position. Units walk or drive their beat as a closed loop; now and then
 * one leaves it for a nearby incident, stays a while, comes back and carries on.
 */
export class PatrolFleet {
  private readonly units: Unit[];

  constructor(
    patrols: readonly Patrol[],
    private readonly rng: Random,
  ) {
    this.units = patrols
      .filter((p) => p.route.length >= 2)
      .map((patrol) => {
        const track = new RouteTrack(patrol.route);
        const along = rng() * track.length;
        const { position, heading } = track.at(along);
        return {
          patrol,
          track,
          speed: patrolSpeed(patrol) * between(rng, 0.85, 1.15),
          onFoot: patrolSpeed(patrol) === FOOT_SPEED,
          along,
          position,
          heading,
          errand: { kind: 'route' },
        };
      });
  }

  /**
   * Moves every unit by `simMs` of simulated time (real time × the time scale); `nowSimMs` is
   * the simulated clock, for errands that end at a time.
   */
  advance(simMs: number, nowSimMs: number): void {
    if (!(simMs > 0)) return;
    for (const unit of this.units) this.move(unit, simMs, nowSimMs);
  }

  /**
   * Sends the nearest unit on its beat within reach to a new incident. Returns its id, or
   * undefined when none is near enough or free.
   */
  respond(point: LngLat): string | undefined {
    let best: Unit | undefined;
    let bestDistance = RESPOND_RADIUS_M;
    for (const unit of this.units) {
      if (unit.errand.kind !== 'route') continue;
      const d = distanceMetres(unit.position, point);
      if (d < bestDistance) {
        best = unit;
        bestDistance = d;
      }
    }
    if (!best) return undefined;
    best.errand = { kind: 'going', target: point };
    return best.patrol.id;
  }

  /** How many units move (a patrol without a route stays where the city package put it). */
  get size(): number {
    return this.units.length;
  }

  positions(): PatrolPosition[] {
    return this.units.map((u) => ({
      id: u.patrol.id,
      position: [u.position[0], u.position[1]],
      heading: u.heading,
      status: statusOf(u.errand),
    }));
  }

  /** The route a unit follows, for tests and for checking a point is on its beat. */
  track(id: string): RouteTrack | undefined {
    return this.units.find((u) => u.patrol.id === id)?.track;
  }

  private move(unit: Unit, simMs: number, nowSimMs: number): void {
    const errand = unit.errand;
    const metres = (unit.speed * simMs) / 1000;
    switch (errand.kind) {
      case 'route': {
        const restChance = 1 - Math.pow(1 - REST_PER_MINUTE, simMs / 60_000);
        if (unit.onFoot && chance(this.rng, restChance)) {
          unit.errand = { kind: 'resting', untilMs: nowSimMs + between(this.rng, ...REST_MS) };
          return;
        }
        unit.along = (unit.along + metres) % unit.track.length;
        const { position, heading } = unit.track.at(unit.along);
        unit.position = position;
        unit.heading = heading;
        return;
      }
      case 'resting':
        if (nowSimMs >= errand.untilMs) unit.errand = { kind: 'route' };
        return;
      case 'going':
        // Responding units hurry.
        if (this.step(unit, errand.target, metres * 1.5)) {
          unit.errand = {
            kind: 'on-scene',
            target: errand.target,
            untilMs: nowSimMs + between(this.rng, ...ON_SCENE_MS),
          };
        }
        return;
      case 'on-scene':
        if (nowSimMs >= errand.untilMs) unit.errand = { kind: 'returning' };
        return;
      case 'returning':
        if (this.step(unit, unit.track.at(unit.along).position, metres)) {
          unit.errand = { kind: 'route' };
          unit.heading = unit.track.at(unit.along).heading;
        }
        return;
    }
  }

  /** Moves straight towards a point; true once there. */
  private step(unit: Unit, target: LngLat, metres: number): boolean {
    const d = distanceMetres(unit.position, target);
    if (d <= metres || d < 1) {
      unit.position = target;
      return true;
    }
    unit.heading = normaliseHeading(bearingDegrees(unit.position, target));
    unit.position = destination(unit.position, unit.heading, metres);
    return false;
  }
}

function statusOf(errand: Errand): PatrolStatus {
  switch (errand.kind) {
    case 'going':
    case 'on-scene':
      return 'responding';
    case 'resting':
      return 'resting';
    default:
      return 'patrolling';
  }
}

/** Headings are [0, 360): 359.99999 rounds to 360 in floating point, so fold it back. */
function normaliseHeading(h: number): number {
  const r = ((h % 360) + 360) % 360;
  return r >= 360 ? 0 : r;
}
