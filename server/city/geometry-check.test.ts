import polygonClipping from 'polygon-clipping';
import { describe, expect, it, vi } from 'vitest';
import type { LngLat, RegionFeature, RegionLevel } from '../../shared/index.js';
import { checkRegionGeometry, DEFAULT_TOLERANCE, type Tolerance } from './geometry-check.js';
import { ProblemList, type RecordOrigin } from './problems.js';

// Shapes are drawn in metres east and north of 113°E 23°N and turned into degrees here, on
// their own, so that every expected area below is the product of two side lengths.
const METRES_PER_DEGREE = (6_371_008.8 * Math.PI) / 180;
const KX = METRES_PER_DEGREE * Math.cos((23 * Math.PI) / 180);
const lngLat = ([x, y]: readonly [number, number]): LngLat => [
  113 + x / KX,
  23 + y / METRES_PER_DEGREE,
];
/** How a point in metres appears in a message. */
const around = (x: number, y: number) => {
  const [lng, lat] = lngLat([x, y]);
  return `${lng.toFixed(5)},${lat.toFixed(5)}`;
};

type Corner = [number, number];
const rect = (x0: number, y0: number, x1: number, y1: number): Corner[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

function region(
  id: string,
  level: RegionLevel,
  parentId: string | null,
  corners: Corner[],
): RegionFeature {
  const ring = [...corners, corners[0]!].map(lngLat);
  return {
    type: 'Feature',
    properties: { id, name: id, level, parentId, center: ring[0]! },
    geometry: { type: 'Polygon', coordinates: [ring] },
  };
}

function check(features: RegionFeature[], tolerance: Tolerance = DEFAULT_TOLERANCE) {
  const origins = new Map<string, RecordOrigin>(
    features.map((f, i) => [f.properties.id, { file: 'regions.geojson', where: `features[${i}]` }]),
  );
  const problems = new ProblemList();
  checkRegionGeometry(features, origins, tolerance, problems);
  return problems.items;
}

/**
 * The message with its area checked to within 1 % of `m2` and written as N, so the rest of the
 * text can be compared whole (the projection is not exactly the test's own).
 */
function withArea(message: string, m2: number): string {
  const match =
    /^(\d{1,3}(?:,\d{3})*) m²/.exec(message) ?? / by (\d{1,3}(?:,\d{3})*) m²/.exec(message);
  expect(match, message).not.toBeNull();
  const area = Number(match![1]!.replace(/,/g, ''));
  expect(Math.abs(area - m2) / m2, message).toBeLessThan(0.01);
  return message.replace(`${match![1]} m²`, 'N m²');
}

// A community 200 m square of four grids 100 m square:   g3 g4
//                                                         g1 g2
const community = region('c1', 'community', null, rect(0, 0, 200, 200));
const g1 = region('c1-g1', 'grid', 'c1', rect(0, 0, 100, 100));
const g2 = region('c1-g2', 'grid', 'c1', rect(100, 0, 200, 100));
const g3 = region('c1-g3', 'grid', 'c1', rect(0, 100, 100, 200));
const g4 = region('c1-g4', 'grid', 'c1', rect(100, 100, 200, 200));

describe('region geometry', () => {
  it('finds nothing wrong with grids that tile their community', () => {
    // The community's edges pass through the grids' corners at (100, 0), (200, 100)... without
    // a vertex there, and g2 has one more vertex than g4 on their common edge: the grids cannot
    // be matched vertex for vertex and are clipped.
    const shifted = region('c1-g2', 'grid', 'c1', [
      [100, 0],
      [200, 0],
      [200, 100],
      [150, 100],
      [100, 100],
    ]);
    expect(check([community, g1, g2, g3, g4])).toEqual([]);
    expect(check([community, g1, shifted, g3, g4])).toEqual([]);
  });

  it('compares grids that share every vertex without clipping them', () => {
    const union = vi.spyOn(polygonClipping, 'union');
    try {
      const outline = region('c1', 'community', null, [
        [0, 0],
        [100, 0],
        [200, 0],
        [200, 100],
        [200, 200],
        [100, 200],
        [0, 200],
        [0, 100],
      ]);
      expect(check([outline, g1, g2, g3, g4])).toEqual([]);
      expect(union).not.toHaveBeenCalled();
      // Drawn twice, a grid's edges do not cancel out: clipped, and found.
      const twice = region('c1-g5', 'grid', 'c1', rect(100, 100, 200, 200));
      const problems = check([outline, g1, g2, g3, g4, twice]);
      expect(union).toHaveBeenCalled();
      expect(problems.map((p) => withArea(p.message, 100 * 100))).toEqual([
        `overlaps c1-g5 by N m² (around ${around(150, 150)})`,
      ]);
    } finally {
      union.mockRestore();
    }
  });

  it('reports a grid poking 20 m out of its community, on the grid', () => {
    // g4 with a 20 m x 20 m tab beyond the community's east edge.
    const poking = region('c1-g4', 'grid', 'c1', [
      [100, 100],
      [200, 100],
      [200, 140],
      [220, 140],
      [220, 160],
      [200, 160],
      [200, 200],
      [100, 200],
    ]);
    const problems = check([community, g1, g2, g3, poking]);
    expect(problems).toHaveLength(1);
    const [p] = problems;
    expect(p).toMatchObject({
      file: 'regions.geojson',
      where: 'features[4]',
      id: 'c1-g4',
      field: 'geometry',
      severity: 'error',
    });
    expect(withArea(p!.message, 20 * 20)).toBe(
      `N m² lies outside its community c1 (around ${around(210, 150)})`,
    );
  });

  it('reports two overlapping grids once, on the first of them', () => {
    // g2 with a 20 m x 20 m tab reaching into g1.
    const reaching = region('c1-g2', 'grid', 'c1', [
      [100, 0],
      [200, 0],
      [200, 100],
      [100, 100],
      [100, 60],
      [80, 60],
      [80, 40],
      [100, 40],
    ]);
    const problems = check([community, g1, reaching, g3, g4]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ id: 'c1-g1', where: 'features[1]', field: 'geometry' });
    expect(withArea(problems[0]!.message, 20 * 20)).toBe(
      `overlaps c1-g2 by N m² (around ${around(90, 50)})`,
    );
  });

  it('reports a part of the community covered by no grid, on the community', () => {
    // g1 without its 20 m x 20 m north-east corner.
    const notched = region('c1-g1', 'grid', 'c1', [
      [0, 0],
      [100, 0],
      [100, 80],
      [80, 80],
      [80, 100],
      [0, 100],
    ]);
    const problems = check([community, notched, g2, g3, g4]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ id: 'c1', where: 'features[0]', field: 'geometry' });
    expect(withArea(problems[0]!.message, 20 * 20)).toBe(
      `N m² is covered by none of its grids (around ${around(90, 90)})`,
    );
  });

  it('names the levels: a street and its communities', () => {
    const street = region('s1', 'street', null, rect(0, 0, 200, 100));
    const west = region('c1', 'community', 's1', rect(0, 0, 100, 100));
    // 20 m short of the street's east edge, and 20 m over its north edge.
    const east = region('c2', 'community', 's1', [
      [100, 0],
      [180, 0],
      [180, 100],
      [160, 100],
      [160, 120],
      [140, 120],
      [140, 100],
      [100, 100],
    ]);
    const problems = check([street, west, east]);
    expect(problems.map((p) => p.id)).toEqual(['s1', 'c2']);
    expect(withArea(problems[0]!.message, 20 * 100)).toMatch(
      /^N m² is covered by none of its communities \(around [\d.]+,[\d.]+\)$/,
    );
    expect(withArea(problems[1]!.message, 20 * 20)).toBe(
      `N m² lies outside its street s1 (around ${around(150, 110)})`,
    );
  });

  it('reports each separate piece on its own', () => {
    // Two 20 m x 20 m notches, one at each northern corner of g1.
    const notched = region('c1-g1', 'grid', 'c1', [
      [0, 0],
      [100, 0],
      [100, 80],
      [80, 80],
      [80, 100],
      [20, 100],
      [20, 80],
      [0, 80],
    ]);
    const messages = check([community, notched, g2, g3, g4]).map((p) => withArea(p.message, 400));
    expect(messages.sort()).toEqual(
      [
        `N m² is covered by none of its grids (around ${around(10, 90)})`,
        `N m² is covered by none of its grids (around ${around(90, 90)})`,
      ].sort(),
    );
  });

  it('ignores slivers 2 m wide, though larger than 100 m²', () => {
    // g2 starts 2 m east of g1 (a 2 m x 100 m gap, 200 m²); g4 reaches 2 m into g3 (200 m²).
    const apart = region('c1-g2', 'grid', 'c1', rect(102, 0, 200, 100));
    const over = region('c1-g4', 'grid', 'c1', rect(98, 100, 200, 200));
    expect(check([community, g1, apart, g3, over])).toEqual([]);
  });

  it('ignores a piece within the tolerance by area, and honours a tolerance from city.json', () => {
    const poking = region('c1-g4', 'grid', 'c1', [
      [100, 100],
      [200, 100],
      [200, 140],
      [220, 140],
      [220, 160],
      [200, 160],
      [200, 200],
      [100, 200],
    ]);
    expect(check([community, g1, g2, g3, poking], { metres: 5, squareMetres: 500 })).toEqual([]);
    expect(check([community, g1, g2, g3, poking], { metres: 10, squareMetres: 100 })).toEqual([]);
    expect(check([community, g1, g2, g3, poking], { metres: 9, squareMetres: 100 })).toHaveLength(
      1,
    );
  });

  it('reports a ring that crosses itself as unreadable, and nothing that follows from it', () => {
    // g4 drawn as a bow tie: its edges cross at the middle of the square.
    const bowTie = region('c1-g4', 'grid', 'c1', [
      [100, 100],
      [200, 200],
      [200, 100],
      [100, 200],
    ]);
    const problems = check([community, g1, g2, g3, bowTie]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ id: 'c1-g4', where: 'features[4]', field: 'geometry' });
    expect(problems[0]!.message).toBe(
      `cannot be read as a polygon: the outer ring crosses itself at ${around(150, 150)}`,
    );
  });

  it('reports a hole crossing its outer ring', () => {
    const holed: RegionFeature = {
      ...g1,
      geometry: {
        type: 'Polygon',
        coordinates: [
          [...rect(0, 0, 100, 100), [0, 0] as Corner].map(lngLat),
          [...rect(90, 40, 110, 60), [90, 40] as Corner].map(lngLat),
        ],
      },
    };
    const problems = check([community, holed, g2, g3, g4]);
    expect(problems.map((p) => p.message)).toEqual([
      `cannot be read as a polygon: hole 1 crosses the outer ring at ${around(100, 40)}`,
    ]);
  });
});
