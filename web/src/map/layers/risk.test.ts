import { describe, expect, it } from 'vitest';
import type { AreaGeometry } from '../../../../shared/domain/regions.js';
import type { Warning, WarningLevel } from '../../../../shared/domain/warnings.js';
import {
  gridRisks,
  RISK_AREA_LAYERS,
  RISK_CLICK_LAYERS,
  RISK_MARKER_LAYERS,
  RISK_PULSE_LAYER,
  RISK_SOURCE,
  riskAreaLayers,
  riskCounts,
  riskFeatures,
  riskMarkerLayers,
} from './risk.js';

const area = (gridId: string) => ({
  gridId,
  communityId: 'c1',
  streetId: 's1',
  districtId: 'd1',
});
const warning = (
  id: string,
  level: WarningLevel,
  raisedAt: string,
  extra: Partial<Warning> = {},
): Warning => ({
  id,
  rule: 'repeat-matter',
  level,
  state: 'open',
  facts: {},
  raisedAt,
  updatedAt: raisedAt,
  incidentIds: [],
  ...extra,
});
const square = (x: number): AreaGeometry => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, 0],
      [x + 1, 0],
      [x + 1, 1],
      [x, 1],
      [x, 0],
    ],
  ],
});
const grids = new Map([
  ['g1', square(0)],
  ['g2', square(1)],
  ['g3', square(2)],
]);

describe('the risk map’s grids', () => {
  it('colours each grid by the highest level among its active warnings', () => {
    const risks = gridRisks([
      warning('YJ-1', 'yellow', '2026-11-22T08:00:00Z', { area: area('g1') }),
      warning('YJ-2', 'red', '2026-11-22T07:00:00Z', { area: area('g1') }),
      warning('YJ-3', 'orange', '2026-11-22T09:00:00Z', { area: area('g1') }),
      warning('YJ-4', 'blue', '2026-11-22T08:00:00Z', { area: area('g2') }),
    ]);
    expect(Object.fromEntries(risks)).toEqual({
      g1: { level: 'red', warningId: 'YJ-2' },
      g2: { level: 'blue', warningId: 'YJ-4' },
    });
  });

  it('opens the newest of the grid’s warnings at its highest level', () => {
    const risks = gridRisks([
      warning('YJ-1', 'orange', '2026-11-22T08:00:00Z', { area: area('g1') }),
      warning('YJ-2', 'orange', '2026-11-22T09:00:00Z', { area: area('g1') }),
      warning('YJ-3', 'orange', '2026-11-22T07:00:00Z', { area: area('g1') }),
    ]);
    expect(risks.get('g1')).toEqual({ level: 'orange', warningId: 'YJ-2' });
  });

  it('ignores resolved warnings, and warnings of no grid', () => {
    const risks = gridRisks([
      warning('YJ-1', 'red', '2026-11-22T08:00:00Z', { area: area('g1'), state: 'resolved' }),
      warning('YJ-2', 'yellow', '2026-11-22T08:00:00Z', {
        area: area('g1'),
        state: 'acknowledged',
      }),
      warning('YJ-3', 'red', '2026-11-22T08:00:00Z', { rule: 'department-overdue' }),
      warning('YJ-4', 'red', '2026-11-22T08:00:00Z', { area: area('g2'), state: 'resolved' }),
    ]);
    expect(Object.fromEntries(risks)).toEqual({ g1: { level: 'yellow', warningId: 'YJ-2' } });
  });
});

describe('the risk source', () => {
  const list = [
    warning('YJ-1', 'red', '2026-11-22T08:00:00Z', {
      area: area('g1'),
      location: [0.5, 0.5],
      incidentIds: ['SJ-1'],
    }),
    warning('YJ-2', 'blue', '2026-11-22T08:00:00Z', { area: area('g1'), location: [0.6, 0.6] }),
    warning('YJ-3', 'orange', '2026-11-22T08:00:00Z', { area: area('g2') }),
    // A grid whose outline the city has not: its place still shows.
    warning('YJ-4', 'yellow', '2026-11-22T08:00:00Z', { area: area('g9'), location: [9, 9] }),
    warning('YJ-5', 'red', '2026-11-22T08:00:00Z', {
      area: area('g3'),
      location: [2.5, 0.5],
      state: 'resolved',
    }),
    warning('YJ-6', 'yellow', '2026-11-22T08:00:00Z', { rule: 'department-overdue' }),
  ];
  const fc = riskFeatures(list, (id) => grids.get(id));

  it('holds one polygon per warned grid, at its most urgent warning', () => {
    const polygons = fc.features.filter((f) => f.geometry.type !== 'Point');
    expect(polygons.map((f) => f.properties)).toEqual([
      { id: 'g1', kind: 'grid', level: 'red', rank: 3, warningId: 'YJ-1' },
      { id: 'g2', kind: 'grid', level: 'orange', rank: 2, warningId: 'YJ-3' },
    ]);
    expect(polygons[0]!.geometry).toEqual(grids.get('g1'));
  });

  it('holds one point per active warning with a place, coloured by its own level', () => {
    const points = fc.features.filter((f) => f.geometry.type === 'Point');
    expect(points.map((f) => [f.properties.id, f.properties.level, f.geometry])).toEqual([
      ['YJ-1', 'red', { type: 'Point', coordinates: [0.5, 0.5] }],
      ['YJ-2', 'blue', { type: 'Point', coordinates: [0.6, 0.6] }],
      ['YJ-4', 'yellow', { type: 'Point', coordinates: [9, 9] }],
    ]);
    expect(points.every((f) => f.properties.kind === 'point')).toBe(true);
  });

  it('is empty without active warnings', () => {
    expect(riskFeatures([], (id) => grids.get(id)).features).toEqual([]);
    expect(riskFeatures([list[4]!], (id) => grids.get(id)).features).toEqual([]);
  });

  it('counts for its legend the active warnings it draws, by level', () => {
    expect(riskCounts(list)).toEqual({ blue: 1, yellow: 1, orange: 1, red: 1 });
  });
});

describe('the risk layers', () => {
  const layers = [...riskAreaLayers(), ...riskMarkerLayers()];

  it('read from their own source only, hidden until asked for', () => {
    expect(layers.every((l) => 'source' in l && l.source === RISK_SOURCE)).toBe(true);
    expect(layers.every((l) => l.layout?.visibility === 'none')).toBe(true);
  });

  it('name every layer that visibility and clicks refer to', () => {
    const ids = layers.map((l) => l.id);
    expect(ids.sort()).toEqual(
      [...RISK_AREA_LAYERS, ...RISK_MARKER_LAYERS, RISK_PULSE_LAYER].sort(),
    );
    for (const id of RISK_CLICK_LAYERS) expect(ids).toContain(id);
  });
});
