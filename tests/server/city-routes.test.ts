// The city's reference data as screens read it: key places behind a login like the rest, and a
// package without a basemap served a plain background instead of a broken map.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCity } from '../../server/city/index.js';
import { LAKESIDE_DIR } from '../support/lakeside.js';
import { api, login, startTestServer, type TestServer } from '../support/server.js';

describe('city reference routes', () => {
  let demo: TestServer;
  let lakeside: TestServer;
  beforeAll(async () => {
    [demo, lakeside] = await Promise.all([
      startTestServer(),
      startTestServer({ city: loadCity(LAKESIDE_DIR) }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([demo?.stop(), lakeside?.stop()]);
  });

  it('gives key places to a signed-in user only', async () => {
    expect((await api(demo.url, '/api/v1/key-places')).status).toBe(401);
    const token = await login(demo.url, 'leader');
    const { status, body } = await api(demo.url, '/api/v1/key-places', { token });
    expect(status).toBe(200);
    // The demo city's schools, hospitals, stations and markets, each placed in a grid.
    expect(body.length).toBe(65);
    expect(new Set(body.map((p: { kind: string }) => p.kind))).toEqual(
      new Set(['school', 'hospital', 'station', 'market']),
    );
    for (const p of body) expect(p.gridId).toMatch(/^d\d\d-s\d\d-c\d\d-g\d\d$/);
  });

  it("serves the package's own basemap, or a plain background when it has none", async () => {
    const own = await fetch(`${demo.url}/basemap/style.json`).then((r) => r.json());
    expect(own.sources).toHaveProperty('roads');
    const plain = await fetch(`${lakeside.url}/basemap/style.json`).then((r) => r.json());
    expect(plain.layers).toEqual([
      { id: 'background', type: 'background', paint: { 'background-color': '#0b1220' } },
    ]);
    expect(plain.name).toContain('湖滨市');
    const missing = await fetch(`${lakeside.url}/basemap/roads.geojson`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: {
        code: 'not_found',
        message: 'no basemap file /roads.geojson: the city package has no basemap/',
      },
    });
  });
});
