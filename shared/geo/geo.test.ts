import { describe, expect, it } from 'vitest';
import type { Camera } from '../domain/cameras.js';
import type { LngLat } from '../domain/common.js';
import type { AreaGeometry } from '../domain/regions.js';
import { AreaIndex } from './area-index.js';
import { camerasCovering, cameraSees, viewCone } from './camera-view.js';
import { bearingDegrees, destination, distanceMetres } from './distance.js';
import { pointInArea } from './polygon.js';

const ORIGIN: LngLat = [113.0, 23.0];

describe('distances and bearings', () => {
  it('measures a degree of latitude as about 111 km', () => {
    expect(distanceMetres([113, 23], [113, 24])).toBeCloseTo(111_195, -2);
  });

  it('walks to a destination and measures the same distance and bearing back', () => {
    for (const bearing of [0, 45, 90, 200, 359]) {
      const to = destination(ORIGIN, bearing, 250);
      expect(distanceMetres(ORIGIN, to)).toBeCloseTo(250, 3);
      expect(bearingDegrees(ORIGIN, to)).toBeCloseTo(bearing, 3);
    }
  });
});

describe('points in areas', () => {
  const square = (x: number, y: number, s: number): LngLat[] => [
    [x, y],
    [x + s, y],
    [x + s, y + s],
    [x, y + s],
    [x, y],
  ];
  const withHole: AreaGeometry = {
    type: 'Polygon',
    coordinates: [square(0, 0, 10), square(4, 4, 2)],
  };

  it('treats a hole as outside', () => {
    expect(pointInArea([1, 1], withHole)).toBe(true);
    expect(pointInArea([5, 5], withHole)).toBe(false);
    expect(pointInArea([11, 5], withHole)).toBe(false);
  });

  it('finds the containing area among a lattice of many, the same as testing them all', () => {
    const areas = Array.from({ length: 900 }, (_, i) => ({
      id: i,
      area: {
        type: 'Polygon',
        coordinates: [square((i % 30) * 0.01, Math.floor(i / 30) * 0.01, 0.01)],
      } as AreaGeometry,
    }));
    const index = new AreaIndex(areas, (a) => a.area);
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let n = 0; n < 2000; n++) {
      const p: LngLat = [rand() * 0.32 - 0.01, rand() * 0.32 - 0.01];
      const brute = areas.find((a) => pointInArea(p, a.area));
      expect(index.find(p)?.id).toBe(brute?.id);
    }
  });
});

describe('cameras covering a point', () => {
  const camera = (
    id: string,
    bearing: number,
    metresAway: number,
    from = 0,
    over: Partial<Camera> = {},
  ): Camera => ({
    id,
    name: id,
    // Stand `metresAway` from ORIGIN on the bearing `from`, so the camera looks back along `bearing`.
    position: destination(ORIGIN, from, metresAway),
    bearing,
    fov: 60,
    range: 100,
    regionId: 'g1',
    kind: 'fixed',
    site: 'crossing',
    status: 'online',
    ...over,
  });

  it('sees a point inside its cone and not one behind it or out of range', () => {
    const northOfOrigin = camera('n', 180, 50); // stands 50 m north, faces south
    expect(cameraSees(northOfOrigin, ORIGIN)).toBe(true);
    expect(cameraSees({ ...northOfOrigin, bearing: 0 }, ORIGIN)).toBe(false);
    expect(cameraSees({ ...northOfOrigin, range: 40 }, ORIGIN)).toBe(false);
    // 25 degrees off its axis: inside a 60 degree view, outside a 40 degree one.
    const skew = { ...northOfOrigin, bearing: 205 };
    expect(cameraSees(skew, ORIGIN)).toBe(true);
    expect(cameraSees({ ...skew, fov: 40 }, ORIGIN)).toBe(false);
  });

  it('ranks covering cameras nearest first and leaves out offline ones', () => {
    const cameras = [
      camera('far', 180, 90),
      camera('near', 270, 30, 90),
      camera('away', 0, 20),
      camera('dark', 180, 10, 0, { status: 'offline' }),
      camera('dome', 0, 60, 180, { fov: 360 }),
    ];
    expect(camerasCovering(cameras, ORIGIN).map((h) => h.camera.id)).toEqual([
      'near',
      'dome',
      'far',
    ]);
    expect(camerasCovering(cameras, ORIGIN, 2)).toHaveLength(2);
  });

  it('draws a closed cone that reaches the camera range', () => {
    const c = camera('n', 180, 50);
    const ring = viewCone(c);
    expect(ring[0]).toEqual(ring.at(-1));
    expect(distanceMetres(c.position, ring[1]!)).toBeCloseTo(100, 3);
  });
});
