import { describe, expect, it } from 'vitest';
import type { Department } from '../../../shared/domain/organisation.js';
import { departmentsFor } from './department-choices.js';

describe('departments for a place', () => {
  const d = (id: string, area: Partial<Department> = {}): Department => ({
    id,
    name: id,
    kind: 'public-security',
    ...area,
  });
  it("puts the place's own first, then the city's, and never another area's", () => {
    const list = [
      d('city-police'),
      d('other-street', { streetId: 's2' }),
      d('own-street', { streetId: 's1' }),
      d('own-station', { regionId: 'c1' }),
      d('other-station', { regionId: 'c9' }),
    ];
    const place = { gridId: 'g1', communityId: 'c1', streetId: 's1', districtId: 'd1' };
    expect(departmentsFor(list, place).map((x) => x.id)).toEqual([
      'own-street',
      'own-station',
      'city-police',
    ]);
  });
});
