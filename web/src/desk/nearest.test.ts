import { describe, expect, it } from 'vitest';
import type { Patrol } from '../../../shared/domain/organisation.js';
import type { GridWorker } from '../../../shared/domain/regions.js';
import { destination } from '../../../shared/geo/distance.js';
import type { PatrolPosition } from '../../../shared/realtime/events.js';
import { distanceParts, patrolChoices, workerChoices } from './nearest.js';

const here: [number, number] = [120, 30];
const at = (metres: number) => destination(here, 90, metres);
const worker = (id: string, gridIds: string[]): GridWorker => ({
  id,
  name: `网格员${id}`,
  gridIds,
  phone: '13800000000',
  position: here,
});

describe('workerChoices', () => {
  const workers = [
    worker('own-off', ['g1']),
    worker('own-far', ['g1', 'g2']),
    worker('own-near', ['g1']),
    worker('other-near', ['g2']),
    worker('other-far', ['g3']),
    worker('other-off', ['g4']),
  ];
  const onDuty = [
    { id: 'own-far', position: at(900), at: '' },
    { id: 'own-near', position: at(300), at: '' },
    { id: 'other-near', position: at(50), at: '' },
    { id: 'other-far', position: at(4000), at: '' },
  ];

  it('offers the grid’s own workers first, on duty and nearer first, then others on duty by distance', () => {
    const choices = workerChoices({ gridId: 'g1', location: here }, workers, onDuty);
    expect(choices.map((c) => c.worker.id)).toEqual([
      'own-near',
      'own-far',
      'own-off',
      'other-near',
      'other-far',
    ]);
    expect(choices[0]).toMatchObject({ ownGrid: true, onDuty: true });
    expect(choices[0]!.distance).toBeCloseTo(300, 0);
    expect(choices[2]).toMatchObject({ ownGrid: true, onDuty: false });
    expect(choices[2]!.distance).toBeUndefined();
  });

  it('limits the others to the nearest few, never the grid’s own', () => {
    const choices = workerChoices({ gridId: 'g1', location: here }, workers, onDuty, 1);
    expect(choices.map((c) => c.worker.id)).toEqual([
      'own-near',
      'own-far',
      'own-off',
      'other-near',
    ]);
  });
});

describe('patrolChoices', () => {
  const units = new Map([['p1', { id: 'p1', name: '一号巡逻队' } as Patrol]]);
  const positions: PatrolPosition[] = [
    { id: 'p1', position: at(2000), heading: 0, status: 'patrolling' },
    { id: 'p2', position: at(100), heading: 0, status: 'resting' },
    { id: 'p3', position: at(500), heading: 0, status: 'responding' },
  ];
  it('lists the nearest first, resting teams last, with names where known', () => {
    const choices = patrolChoices(here, positions, units);
    expect(choices.map((c) => [c.id, c.name])).toEqual([
      ['p3', 'p3'],
      ['p1', '一号巡逻队'],
      ['p2', 'p2'],
    ]);
    expect(choices[0]!.distance).toBeCloseTo(500, 0);
    expect(patrolChoices(here, positions, units, 1)).toHaveLength(1);
  });
});

describe('distanceParts', () => {
  it('says tens of metres, then kilometres', () => {
    expect(distanceParts(3)).toEqual({ unit: 'metres', n: '10' });
    expect(distanceParts(456)).toEqual({ unit: 'metres', n: '460' });
    expect(distanceParts(1234)).toEqual({ unit: 'kilometres', n: '1.2' });
  });
});
