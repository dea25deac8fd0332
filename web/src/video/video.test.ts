import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadDemoCity } from '../../../fixtures/index.js';
import { cameraSees } from '../../../shared/geo/camera-view.js';
import { distanceMetres } from '../../../shared/geo/distance.js';
import { useWallStore } from '../stores/wall.js';
import { layoutFor, layoutGrid } from './layouts.js';
import { camerasForIncident } from './linkage.js';
import { tourCameras } from './tour.js';

const city = loadDemoCity();
const regionById = new Map(city.regions.features.map((f) => [f.properties.id, f.properties]));
const districtOf = (c: { regionId: string }) => {
  let r = regionById.get(c.regionId);
  while (r && r.level !== 'district') r = r.parentId ? regionById.get(r.parentId) : undefined;
  return r?.id;
};

describe('layouts', () => {
  it('covers every cell of its grid exactly once, the six-way layout with one large tile', () => {
    for (const layout of [1, 4, 6, 9, 16] as const) {
      const { size, areas } = layoutGrid(layout);
      expect(areas).toHaveLength(layout);
      const cells = areas.flatMap((a) =>
        Array.from({ length: a.span * a.span }, (_, i) => [
          a.column + (i % a.span),
          a.row + Math.floor(i / a.span),
        ]),
      );
      expect(new Set(cells.map((c) => c.join()))).toHaveProperty('size', size * size);
      expect(cells.every(([c, r]) => c! <= size && r! <= size)).toBe(true);
    }
    expect(layoutGrid(6).areas[0]!.span).toBe(2);
  });

  it('picks the smallest layout that shows every picture', () => {
    expect([1, 2, 4, 5, 7, 10, 16, 30].map(layoutFor)).toEqual([1, 4, 4, 6, 9, 16, 16, 16]);
  });
});

describe('the wall store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('places a dropped camera in one tile only, and keeps tiles across a layout change', () => {
    const wall = useWallStore();
    wall.setLayout(4);
    wall.show(['a', 'b', 'c'], { kind: 'tour' });
    wall.place(3, 'a');
    expect(wall.slots).toEqual([undefined, 'b', 'c', 'a']);
    wall.setLayout(9);
    expect(wall.slots.slice(0, 4)).toEqual([undefined, 'b', 'c', 'a']);
    expect(wall.slots).toHaveLength(9);
    wall.open('d');
    expect(wall.slots[0]).toBe('d');
  });

  it('grows the layout for a push of many cameras, and drops a maximised tile that no longer exists', () => {
    const wall = useWallStore();
    wall.setLayout(9);
    wall.toggleMaximised(7);
    wall.setLayout(4);
    expect(wall.maximised).toBeUndefined();
    wall.show(['1', '2', '3', '4', '5', '6', '7'], { kind: 'push', by: 'duty' }, true);
    expect(wall.layout).toBe(9);
    expect(wall.slots.filter(Boolean)).toHaveLength(7);
    expect(wall.reason).toEqual({ kind: 'push', by: 'duty' });
  });
});

describe('linkage', () => {
  // A spot that several demo cameras see: just in front of the first crossing camera.
  const cam = city.cameras.find((c) => c.site === 'crossing')!;
  const spot: [number, number] = [
    cam.position[0] + 0.00005 * Math.sin((cam.bearing * Math.PI) / 180),
    cam.position[1] + 0.00005 * Math.cos((cam.bearing * Math.PI) / 180),
  ];

  it('opens the cameras that see the spot, nearest first, and leaves offline ones out', () => {
    const ids = camerasForIncident({ location: spot, cameraId: null }, city.cameras);
    expect(ids).toContain(cam.id);
    const distances = ids.map((id) =>
      distanceMetres(city.cameras.find((c) => c.id === id)!.position, spot),
    );
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    for (const id of ids)
      expect(
        cameraSees(
          city.cameras.find((c) => c.id === id)!,
          spot,
        ),
      ).toBe(true);
    const offline = city.cameras.map((c) =>
      c.id === cam.id ? { ...c, status: 'offline' as const } : c,
    );
    expect(camerasForIncident({ location: spot, cameraId: null }, offline)).not.toContain(cam.id);
  });

  it('opens the camera that raised a video alarm first', () => {
    const other = city.cameras.find((c) => c.id !== cam.id)!;
    const ids = camerasForIncident({ location: spot, cameraId: other.id }, city.cameras);
    expect(ids[0]).toBe(other.id);
    expect(ids).toContain(cam.id);
  });
});

describe('the tour', () => {
  it('shows a district its own online cameras and the city every district', () => {
    const district = [...regionById.values()].find((r) => r.level === 'district')!;
    const ids = tourCameras(
      { kind: 'region', id: district.id, name: '' },
      city.cameras,
      districtOf,
      [],
      9,
    );
    expect(ids).toHaveLength(9);
    for (const id of ids)
      expect(districtOf(city.cameras.find((c) => c.id === id)!)).toBe(district.id);

    const cityIds = tourCameras({ kind: 'city' }, city.cameras, districtOf, [], 16);
    const districts = new Set(
      cityIds.map((id) => districtOf(city.cameras.find((c) => c.id === id)!)),
    );
    expect(districts.size).toBe(
      [...regionById.values()].filter((r) => r.level === 'district').length,
    );
  });
});
