import { describe, expect, it } from 'vitest';
import {
  bearingDegrees,
  distanceMetres,
  PatrolPositionsSchema,
  type LngLat,
  type Patrol,
} from '../../shared/index.js';
import { demoCity } from '../../tests/support/server.js';
import { FOOT_SPEED, PatrolFleet, patrolSpeed, RouteTrack, VEHICLE_SPEED } from './patrols.js';
import { seededRandom } from './random.js';

/**
 * Metres from a point to the nearest segment of a closed route (flat-earth, fine at city scale),
 * that segment's bearing, and whether the point sits at a corner, where either bearing fits.
 */
function nearestSegment(point: LngLat, route: readonly LngLat[]) {
  const k = Math.cos((point[1] * Math.PI) / 180) * 111_320;
  const xy = (p: LngLat) => [p[0] * k, p[1] * 110_540] as const;
  const [px, py] = xy(point);
  let best = { distance: Infinity, bearing: 0, atCorner: false };
  const loop = [...route, route[0]!];
  for (let i = 1; i < loop.length; i++) {
    const [ax, ay] = xy(loop[i - 1]!);
    const [bx, by] = xy(loop[i]!);
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    if (!len2) continue;
    const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
    const distance = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
    if (distance < best.distance) {
      const len = Math.sqrt(len2);
      best = {
        distance,
        bearing: bearingDegrees(loop[i - 1]!, loop[i]!),
        atCorner: t * len < 1 || (1 - t) * len < 1,
      };
    }
  }
  return best;
}

function offRoute(point: LngLat, route: readonly LngLat[]): number {
  return nearestSegment(point, route).distance;
}

const square: LngLat[] = [
  [113.0, 23.0],
  [113.001, 23.0],
  [113.001, 23.001],
  [113.0, 23.001],
];

describe('patrol routes', () => {
  it('maps a distance along a closed loop to a point on it, wrapping round', () => {
    const track = new RouteTrack(square);
    const side = distanceMetres(square[0]!, square[1]!);
    expect(track.length).toBeGreaterThan(side * 3.9);
    expect(track.at(0).position).toEqual(square[0]);
    expect(distanceMetres(track.at(side / 2).position, [113.0005, 23.0])).toBeLessThan(0.5);
    expect(track.at(side / 2).heading).toBeCloseTo(90, 0);
    // The closing side runs back south to the start.
    expect(track.at(track.length - 1).heading).toBeCloseTo(180, 0);
    expect(distanceMetres(track.at(track.length + 5).position, track.at(5).position)).toBeLessThan(
      0.01,
    );
  });

  it('walks and drives at realistic speeds', () => {
    expect(patrolSpeed({ kind: 'volunteer' })).toBe(FOOT_SPEED);
    expect(patrolSpeed({ kind: 'police' })).toBe(VEHICLE_SPEED);
  });
});

describe('the patrol fleet', () => {
  const patrols = demoCity().patrols;
  const routes = new Map(patrols.map((p) => [p.id, p.route]));

  it('keeps every patrolling unit on its route and moves it along, heading down the road', () => {
    const fleet = new PatrolFleet(patrols, seededRandom(5));
    let before = fleet.positions();
    expect(before).toHaveLength(patrols.length);
    let t = Date.parse('2026-11-22T02:00:00Z');
    let moved = 0;
    for (let step = 0; step < 30; step++) {
      t += 2_000 * 10;
      fleet.advance(20_000, t);
      const after = fleet.positions();
      for (const [i, p] of after.entries()) {
        expect(p.heading).toBeGreaterThanOrEqual(0);
        expect(p.heading).toBeLessThan(360);
        if (p.status !== 'patrolling') continue;
        expect(offRoute(p.position, routes.get(p.id)!), p.id).toBeLessThan(2);
        const prev = before[i]!;
        if (prev.status !== 'patrolling') continue;
        const d = distanceMetres(prev.position, p.position);
        const patrol = patrols.find((x) => x.id === p.id)!;
        // 20 s of simulated time at its speed (±15%); a corner cut makes it a little shorter.
        expect(d).toBeLessThanOrEqual(patrolSpeed(patrol) * 20 * 1.16);
        if (d > patrolSpeed(patrol) * 20 * 0.5) moved++;
        // Heading down the road it is on.
        const segment = nearestSegment(p.position, routes.get(p.id)!);
        if (!segment.atCorner) {
          expect(Math.abs(((segment.bearing - p.heading + 540) % 360) - 180)).toBeLessThan(1);
        }
      }
      before = after;
    }
    expect(moved).toBeGreaterThan(patrols.length * 30 * 0.7);
    const statuses = fleet.positions().map((p) => p.status);
    expect(statuses.filter((s) => s === 'patrolling').length).toBeGreaterThan(
      statuses.length * 0.8,
    );
  });

  it('sends the nearest unit to a new incident, and it comes back to its beat afterwards', () => {
    const patrol: Patrol = { ...patrols[0]!, kind: 'police' };
    const fleet = new PatrolFleet([patrol], seededRandom(1));
    const start = fleet.positions()[0]!;
    const incident: LngLat = [start.position[0] + 0.003, start.position[1]];
    expect(fleet.respond(incident)).toBe(patrol.id);
    // Far away: no one goes.
    expect(fleet.respond([start.position[0] + 1, start.position[1]])).toBeUndefined();
    let t = 0;
    fleet.advance(2_000, (t += 2_000));
    const going = fleet.positions()[0]!;
    expect(going.status).toBe('responding');
    expect(distanceMetres(going.position, incident)).toBeLessThan(
      distanceMetres(start.position, incident),
    );
    for (let i = 0; i < 30; i++) fleet.advance(2_000, (t += 2_000));
    expect(distanceMetres(fleet.positions()[0]!.position, incident)).toBeLessThan(1);
    expect(fleet.positions()[0]!.status).toBe('responding');
    // After at most 15 minutes on scene it heads back and resumes its route.
    for (let i = 0; i < 60; i++) fleet.advance(30_000, (t += 30_000));
    const back = fleet.positions()[0]!;
    expect(back.status).toBe('patrolling');
    expect(offRoute(back.position, patrol.route)).toBeLessThan(2);
  });

  it('gives positions the patrol feed takes as they are, all along the way', () => {
    const fleet = new PatrolFleet(patrols, seededRandom(9));
    expect(fleet.size).toBe(patrols.filter((p) => p.route.length >= 2).length);
    let t = 0;
    fleet.respond(patrols[0]!.position);
    for (let i = 0; i < 200; i++) {
      fleet.advance(20_000, (t += 20_000));
      const parsed = PatrolPositionsSchema.safeParse({ positions: fleet.positions() });
      expect(parsed.success, parsed.error?.message).toBe(true);
    }
  });
});
