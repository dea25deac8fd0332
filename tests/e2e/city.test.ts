// The test city 湖滨市 (tests/cities/lakeside, written in GCJ-02) end to end: a real server on
// its package, the built web app in real Chromium. Everything is compared with the city's WGS84
// truth (tests/cities/lakeside.truth.json): a loader, an intake or a map that forgot a conversion
// puts things 300 to 600 m off, in the next grid.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Camera } from '../../shared/index.js';
import { loadCity } from '../../server/city/index.js';
import { camerasForIncident } from '../../web/src/video/linkage.js';
import { launchBrowser, loginAs } from '../support/browser.js';
import { haversineMetres, LAKESIDE_DIR, truth } from '../support/lakeside.js';
import { captureMaps, jumpMap, probeMap, waitForMap } from '../support/map-probe.js';
import { api, login, postReport, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let browser: Browser;
const shots = mkdtempSync(join(tmpdir(), 'lakeside-screens-'));

beforeAll(async () => {
  if (!existsSync('dist/web/index.html'))
    throw new Error('build the web app first (npx vite build --logLevel warn; npm test does)');
  [server, browser] = await Promise.all([
    startTestServer({ city: loadCity(LAKESIDE_DIR) }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const { incident } = truth;
let reportCount = 0;
function reportAt(location: { lng: number; lat: number; crs?: 'gcj02' }, category = 'dispute') {
  return postReport(server.url, {
    source: 'grid-worker',
    externalId: `lakeside-e2e-${process.pid}-${++reportCount}`,
    category,
    title: `湖滨测试事件-${reportCount}`,
    description: '渔港路上的测试报告',
    location,
    time: new Date().toISOString(),
  });
}

async function getIncident(id: string) {
  const token = await login(server.url, 'leader');
  const { status, body } = await api(server.url, `/api/v1/incidents/${id}`, { token });
  expect(status).toBe(200);
  return body.incident as { gridId: string; location: [number, number]; title: string };
}

/** The incident posted in GCJ-02, shared by the tests below it. */
let gcjIncidentId: string;

describe('湖滨市 (GCJ-02 package) end to end', { timeout: 60_000 }, () => {
  it('takes a report in GCJ-02 into the right grid, stored in WGS84; the same point in WGS84 too', async () => {
    const [lng, lat] = incident.gcj02;
    const res = await reportAt({ lng, lat, crs: 'gcj02' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    gcjIncidentId = res.body.incidentId;
    const stored = await getIncident(gcjIncidentId);
    expect(stored.gridId).toBe(incident.gridId);
    expect(haversineMetres(stored.location, incident.wgs84)).toBeLessThan(1);

    // Another category, so it opens its own incident rather than attaching to the first.
    const wgs = await reportAt({ lng: incident.wgs84[0], lat: incident.wgs84[1] }, 'safety-hazard');
    expect(wgs.status, JSON.stringify(wgs.body)).toBe(201);
    const plain = await getIncident(wgs.body.incidentId);
    expect(plain.gridId).toBe(incident.gridId);
    expect(haversineMetres(plain.location, incident.wgs84)).toBeLessThan(1);

    // The control: the GCJ-02 numbers taken for WGS84 land elsewhere, so the above means something.
    const wrong = await reportAt({ lng, lat }, 'citizen-request');
    expect(wrong.status, JSON.stringify(wrong.body)).toBe(201);
    expect((await getIncident(wrong.body.incidentId)).gridId).not.toBe(incident.gridId);
  });

  it('links the incident to the camera that sees it first, never to the one facing away', async () => {
    const [seeing] = incident.cameras;
    const [away] = incident.notSeeing;
    const token = await login(server.url, 'duty');
    const { body: cameras } = await api(server.url, '/api/v1/cameras', { token });
    const stored = await getIncident(gcjIncidentId);
    // What /video and the wall open for an incident (web/src/video/linkage.ts) from the API.
    const linked = camerasForIncident({ ...stored, cameraId: null }, cameras as Camera[]);
    expect(linked[0]).toBe(seeing);
    expect(linked).not.toContain(away);
    // In range: it is left out for its bearing, not its distance.
    const awayCamera = (cameras as Camera[]).find((c) => c.id === away)!;
    expect(haversineMetres(awayCamera.position, incident.wgs84)).toBeLessThan(awayCamera.range);

    // And the video screen, opened on the incident, shows that camera first.
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await loginAs(page, server.url, 'duty');
    await page.goto(`${server.url}/video?incident=${gcjIncidentId}`);
    await page.locator('[data-linked-incident]').waitFor();
    await page.locator(`[data-tile][data-camera="${seeing}"]`).first().waitFor();
    const tiles = await page.$$eval('[data-tile][data-camera]', (els) =>
      els.map((e) => e.getAttribute('data-camera')),
    );
    expect(tiles[0]).toBe(seeing);
    expect(tiles).not.toContain(away);
    await page.close();
  });

  const SCREENS: { name: string; path: string; user?: string; width: number; height: number }[] = [
    { name: 'desk', path: '/desk', user: 'duty', width: 1366, height: 768 },
    {
      name: 'wall',
      path: '/wall?device=demo-wall-device-token&rotate=0',
      width: 1920,
      height: 1080,
    },
    { name: 'brief', path: '/brief', user: 'leader', width: 1366, height: 768 },
  ];
  // A grid in each street, and cameras spread over the city.
  const GRIDS = ['hb-d1-s1-c1-g2', 'hb-d1-s2-c2-g3', 'hb-d2-s1-c2-g1', 'hb-d2-s2-c1-g2'];
  const CAMERAS = truth.cameras.filter((_, i) => i % 4 === 0);

  for (const screen of SCREENS) {
    it(`${screen.name} draws its grids and cameras where the truth puts them`, async () => {
      const page: Page = await browser.newPage({
        viewport: { width: screen.width, height: screen.height },
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await captureMaps(page);
      if (screen.user) await loginAs(page, server.url, screen.user);
      await page.goto(`${server.url}${screen.path}`);
      await waitForMap(page);
      expect(await page.getAttribute('.city-map', 'data-grids')).toBe(String(truth.grids.length));
      const shot = join(shots, `${screen.name}-${screen.width}x${screen.height}.png`);
      await page.screenshot({ path: shot });
      console.log(`lakeside ${screen.name}: ${shot}`);

      // Cameras at the city view: each truth position finds its camera within 3 px.
      const cameras = await probeMap(
        page,
        CAMERAS.map((c) => c.position),
        ['camera-points'],
        3,
      );
      cameras.points.forEach((p, i) => {
        const id = CAMERAS[i]!.id;
        expect(onMap(p.pixel, cameras.size), `${screen.name}: ${id} on the map`).toBe(true);
        expect(p.ids, `${screen.name}: camera ${id} at its truth`).toContain(id);
      });

      // Grids: each label point projects on the map, inside that grid's drawn feature. Grids
      // are filled (and so found) from zoom 14 (layers/regions.ts), closer in than a screen's
      // whole city: the map is moved over each grid's street, which holds its 2 × 3 grids.
      for (const id of GRIDS) {
        const grid = truth.grids.find((g) => g.id === id)!;
        const street = truth.regions.find(
          (r) => r.id === truth.regions.find((c) => c.id === grid.parentId)!.parentId,
        )!;
        const [w, s, e, n] = street.bbox as [number, number, number, number];
        await jumpMap(page, [(w + e) / 2, (s + n) / 2], 14.05);
        const probe = await probeMap(page, [grid.label], ['region-grid-fill']);
        const [p] = probe.points;
        expect(onMap(p!.pixel, probe.size), `${screen.name}: ${id}'s label on the map`).toBe(true);
        expect(p!.ids, `${screen.name}: the grid drawn at ${id}'s label`).toEqual([id]);
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});

function onMap([x, y]: [number, number], [width, height]: [number, number]): boolean {
  return x >= 0 && y >= 0 && x <= width && y <= height;
}
