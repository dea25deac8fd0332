import { describe, expect, it } from 'vitest';
import type { KeyPlace } from '../../../shared/domain/city.js';
import type { Region } from '../../../shared/domain/regions.js';
import { searchPlaces } from './place-search.js';

const region = (id: string, name: string, level: Region['level'], parentId: string | null) =>
  ({ id, name, level, parentId, center: [120 + id.length / 100, 30] }) as Region;

const regions = [
  region('c', '滨湖市', 'city', null),
  region('d1', '湖滨区', 'district', 'c'),
  region('s1', '湖滨街道', 'street', 'd1'),
  region('s2', '东门街道', 'street', 'd1'),
  region('cm1', '一社区', 'community', 's1'),
  region('cm2', '一社区', 'community', 's2'),
  region('cm3', '湖光社区', 'community', 's1'),
  region('g1', '一社区第1网格', 'grid', 'cm1'),
];
const keyPlaces: KeyPlace[] = [
  {
    id: 'k1',
    name: '湖滨第一中学',
    kind: 'school',
    level: 1,
    position: [120.5, 30.5],
    area: null,
    gridId: 'g1',
  },
];
const lookup = new Map(regions.map((r) => [r.id, r]));
const search = (q: string) =>
  searchPlaces(q, regions, keyPlaces, lookup).map((h) => `${h.id}:${h.context}`);

describe('searchPlaces over the city’s own names', () => {
  it('ranks a whole-name match before a prefix before a substring', () => {
    expect(search('湖滨街道')[0]).toBe('s1:');
    // 湖滨第一中学 and 湖滨区 and 湖滨街道 start with it; 湖光 does not contain it.
    const hits = search('湖滨');
    expect(hits.slice(0, 3)).toEqual(['k1:湖滨街道 · 一社区', 's1:', 'd1:']);
    expect(hits).not.toContain('cm3:湖滨街道');
  });

  it('puts key places, then smaller regions first among equal matches', () => {
    // All but the school start with it: the grid before the communities; the school last.
    expect(search('一')).toEqual([
      'g1:湖滨街道 · 一社区',
      'cm1:湖滨街道',
      'cm2:东门街道',
      'k1:湖滨街道 · 一社区',
    ]);
  });

  it('tells two places of one name apart by the words before it', () => {
    expect(search('东门 一社区')).toEqual(['cm2:东门街道']);
    expect(search('湖滨街道 一社区')).toEqual(['cm1:湖滨街道', 'g1:湖滨街道 · 一社区']);
  });

  it('picks the region’s centre or the key place’s position', () => {
    const [school] = searchPlaces('第一中学', regions, keyPlaces, lookup);
    expect(school).toMatchObject({ kind: 'key-place', point: [120.5, 30.5] });
    const [street] = searchPlaces('东门', regions, keyPlaces, lookup);
    expect(street).toMatchObject({ kind: 'region', level: 'street', point: [120.02, 30] });
  });

  it('finds nothing for blank input and never offers the city itself', () => {
    expect(search('  ')).toEqual([]);
    expect(search('滨湖市')).toEqual([]);
  });
});
