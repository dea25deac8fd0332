import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { camerasCovering } from '../../shared/geo/camera-view.js';
import { loginAs } from '../support/browser.js';
import { e2eEnvironment } from '../support/e2e.js';
import { demoCity, postReport, report } from '../support/server.js';

const env = e2eEnvironment();

const city = demoCity();
const WALL = '/wall?device=demo-wall-device-token&rotate=0';

/** Each tile's camera, state and playback position, as the page shows them. */
function tiles(page: Page) {
  return page.$$eval('[data-tile]', (els) =>
    els.map((e) => ({
      camera: e.getAttribute('data-camera'),
      state: e.getAttribute('data-state'),
      time: e.querySelector('video')?.currentTime ?? -1,
    })),
  );
}

async function waitForTiles(
  page: Page,
  check: (t: Awaited<ReturnType<typeof tiles>>) => boolean,
  timeout: number,
  what: string,
) {
  const until = Date.now() + timeout;
  let last: Awaited<ReturnType<typeof tiles>> = [];
  while (Date.now() < until) {
    last = await tiles(page);
    // Before the tiles mount there is nothing to check.
    if (last.length && check(last)) return last;
    await page.waitForTimeout(250);
  }
  throw new Error(`${what}: tiles are ${JSON.stringify(last)}`);
}

function origin(cameraId: string, state: 'offline' | 'online') {
  return fetch(`${env.server.originUrl}/admin/cameras/${cameraId}/${state}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('nvr:citybrain-nvr-demo').toString('base64')}` },
  });
}

describe('the video wall in real Chromium', { timeout: 120_000 }, () => {
  it('plays sixteen demo streams at once on one page', async () => {
    const ids = city.cameras.slice(0, 16).map((c) => c.id);
    const page = await env.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${env.server.url}${WALL}&layout=16&cameras=${ids.join(',')}`);
    const first = await waitForTiles(
      page,
      (t) => t.length === 16 && t.every((x) => x.state === 'playing'),
      60_000,
      'all sixteen playing',
    );
    expect(first.map((t) => t.camera)).toEqual(ids);
    // Playing means moving: every picture advances, none is frozen on its first frame.
    await waitForTiles(
      page,
      (t) => t.every((x, i) => x.time > first[i]!.time + 1),
      30_000,
      'all sixteen advancing',
    );
    await page.close();
  });

  it('shows a camera taken offline as offline, and recovers by itself when it returns', async () => {
    const ids = city.cameras.slice(20, 24).map((c) => c.id);
    const down = ids[1]!;
    const page = await env.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${env.server.url}${WALL}&layout=4&cameras=${ids.join(',')}`);
    await waitForTiles(page, (t) => t.every((x) => x.state === 'playing'), 45_000, 'playing');
    expect((await origin(down, 'offline')).status).toBe(204);
    await waitForTiles(
      page,
      (t) => t[1]!.state === 'offline' && t[0]!.state === 'playing',
      45_000,
      'the one camera offline',
    );
    await page.locator('[data-tile][data-state=offline]', { hasText: '离线' }).waitFor();
    expect((await origin(down, 'online')).status).toBe(204);
    await waitForTiles(page, (t) => t[1]!.state === 'playing', 45_000, 'recovered');
    await page.close();
  });

  it('opens the cameras that see a grave new incident, nearest first', async () => {
    // Just in front of a crossing camera: that camera and its neighbours see the spot.
    const cam = city.cameras.find((c) => c.site === 'crossing' && c.id > 'cam-0100')!;
    const rad = (cam.bearing * Math.PI) / 180;
    const spot = {
      lng: cam.position[0] + 0.0001 * Math.sin(rad),
      lat: cam.position[1] + 0.0001 * Math.cos(rad),
    };
    const expected = camerasCovering(city.cameras, [spot.lng, spot.lat]).map((h) => h.camera.id);
    expect(expected.length).toBeGreaterThan(0);

    const page = await env.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${env.server.url}${WALL}&layout=4&cameras=${city.cameras[0]!.id}`);
    await page.locator('.link:not(.down)').waitFor();
    const title = `持刀斗殴-联动-${Date.now()}`;
    await postReport(
      env.server.url,
      report({ category: 'public-order', severity: 'critical', title, location: spot }),
    );
    await page.locator('[data-wall-banner]', { hasText: title }).waitFor({ timeout: 5_000 });
    const shown = await waitForTiles(
      page,
      (t) => t[0]!.camera === expected[0],
      5_000,
      'linked cameras',
    );
    expect(shown.map((t) => t.camera).filter(Boolean)).toEqual(expected.slice(0, shown.length));
    await page.close();
  });

  it('puts the cameras a desk pushes on the wall, saying who pushed them', async () => {
    const wall = await env.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wall.goto(`${env.server.url}${WALL}&layout=4&cameras=${city.cameras[0]!.id}`);
    await wall.locator('.link:not(.down)').waitFor();

    const desk = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await loginAs(desk, env.server.url, 'duty');
    await desk.goto(`${env.server.url}/video`);
    await desk.fill('.camera-tree input', city.cameras[40]!.name);
    await desk.locator(`.camera-tree li[data-camera=${city.cameras[40]!.id}]`).click();
    await desk.click('button[data-layout="1"]');
    await desk.click('button[data-push=cameras]');

    await wall
      .locator('[data-wall-banner]', { hasText: '值班员 李明' })
      .waitFor({ timeout: 5_000 });
    await waitForTiles(
      wall,
      (t) => t[0]!.camera === city.cameras[40]!.id,
      5_000,
      'the pushed camera on the wall',
    );
    await desk.close();
    await wall.close();
  });
});
