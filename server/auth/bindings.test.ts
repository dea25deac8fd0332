import { describe, expect, it } from 'vitest';
import { loadDemoPackage } from '../../fixtures/index.js';
import { demoUsers } from './demo-credentials.js';
import { bindingIssues, bindingsOf, sameBindings, unknownBindings } from './bindings.js';

describe('role bindings', () => {
  it('asks each bound role for its own binding and no other', () => {
    expect(bindingIssues({ role: 'duty' })).toEqual([]);
    expect(bindingIssues({ role: 'grid', gridWorkerId: 'gw-026' })).toEqual([]);
    expect(bindingIssues({ role: 'grid' })).toEqual([
      { binding: 'gridWorkerId', message: 'required for role grid' },
    ]);
    expect(bindingIssues({ role: 'patrol', patrolId: 'pt-01', departmentId: 'd' })).toEqual([
      { binding: 'departmentId', message: 'only for role department' },
    ]);
    expect(bindingIssues({ role: 'leader', patrolId: 'pt-01' })).toEqual([
      { binding: 'patrolId', message: 'only for role patrol' },
    ]);
  });

  it('keeps the bindings alone and compares them all', () => {
    expect(bindingsOf({ gridWorkerId: 'gw-026', username: 'x' } as never)).toEqual({
      gridWorkerId: 'gw-026',
    });
    expect(sameBindings({ gridWorkerId: 'gw-026' }, { gridWorkerId: 'gw-026' })).toBe(true);
    expect(sameBindings({ gridWorkerId: 'gw-026' }, { gridWorkerId: 'gw-027' })).toBe(false);
    expect(sameBindings({ patrolId: 'pt-01' }, {})).toBe(false);
    expect(sameBindings({}, {})).toBe(true);
  });

  it('names users bound to what the city does not have; the demo users are all known', () => {
    const { city } = loadDemoPackage();
    expect(unknownBindings(demoUsers(), city)).toEqual([]);
    expect(
      unknownBindings(
        [
          { username: 'a', gridWorkerId: 'gw-999' },
          { username: 'b', patrolId: 'pt-99' },
          { username: 'c', departmentId: 'dept-nowhere' },
          { username: 'd', gridWorkerId: 'gw-026' },
        ],
        city,
      ),
    ).toEqual([
      'user a is bound to grid worker gw-999, which the city package does not have',
      'user b is bound to patrol pt-99, which the city package does not have',
      'user c is bound to department dept-nowhere, which the city package does not have',
    ]);
  });

  it('binds the demo grid worker to the worker of grid d01-s01-c07-g06', () => {
    const { city } = loadDemoPackage();
    const grid = demoUsers().find((u) => u.username === 'grid')!;
    const worker = city.gridWorkers.find((w) => w.id === grid.gridWorkerId)!;
    expect(worker.gridIds).toContain('d01-s01-c07-g06');
    expect(grid.name).toBe(`网格员 ${worker.name}`);
    const patrol = demoUsers().find((u) => u.username === 'patrol')!;
    expect(patrol.name).toBe(city.patrols.find((p) => p.id === patrol.patrolId)!.name);
  });
});
