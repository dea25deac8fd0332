// Recordings (回放) on the desk's video screen in real Chromium, from the demo origin's recorder
// through the real forwarder: a tile sent ten minutes back, 30 s back and live again, a video
// alarm played from 30 s before its report, and a clip exported from a tile.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loginAs } from '../support/browser.js';
import { e2eEnvironment } from '../support/e2e.js';
import sharp from 'sharp';
import { api, demoCity, login, postReport, report } from '../support/server.js';

const run = promisify(execFile);
const env = e2eEnvironment();
const city = demoCity();

/** The first tile as the page shows it: camera, state, mode and the recorded time on screen. */
function firstTile(page: Page) {
  return page.$eval('[data-tile][data-slot="0"]', (e) => ({
    camera: e.getAttribute('data-camera'),
    state: e.getAttribute('data-state'),
    mode: e.getAttribute('data-mode'),
    at: e.getAttribute('data-playback-at'),
    time: e.querySelector('video')?.currentTime ?? -1,
  }));
}

/** Waits until the first tile plays recordings, and answers the first recorded time it shows. */
async function playingRecorded(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    () => {
      const e = document.querySelector('[data-tile][data-slot="0"]');
      const at = e?.getAttribute('data-playback-at');
      return e?.getAttribute('data-mode') === 'recorded' &&
        e.getAttribute('data-state') === 'playing' &&
        at
        ? at
        : false;
    },
    undefined,
    { timeout: 30_000, polling: 100 },
  );
  return Date.parse((await handle.jsonValue()) as string);
}

async function deskWithCamera(cameraId: string): Promise<Page> {
  const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
  await loginAs(page, env.server.url, 'duty');
  await page.goto(`${env.server.url}/video`);
  await page.click('button[data-layout="1"]');
  const camera = city.cameras.find((c) => c.id === cameraId)!;
  await page.fill('.camera-tree input', camera.name);
  await page.locator(`.camera-tree li[data-camera=${cameraId}]`).click();
  await page.waitForFunction(
    (id) => {
      const e = document.querySelector('[data-tile][data-slot="0"]');
      return e?.getAttribute('data-camera') === id && e.getAttribute('data-state') === 'playing';
    },
    cameraId,
    { timeout: 30_000 },
  );
  return page;
}

describe('playing recordings back on the desk', { timeout: 120_000 }, () => {
  it('sends a tile ten minutes back, and the picture on screen is from then', async () => {
    const camera = city.cameras[7]!.id;
    const page = await deskWithCamera(camera);
    await page.hover('[data-tile][data-slot="0"]');
    const asked = Date.now() - 10 * 60_000;
    // The scrubber counts minutes back from now; a person drags it to -10.
    await page.locator('[data-scrubber]').fill('-10');
    const shown = await playingRecorded(page);
    // The picture's own date (the recording's program date time), within the second the
    // recorder is asked in and the time the drag took.
    expect(Math.abs(shown - asked)).toBeLessThan(5_000);
    const caption = await page.locator('[data-recorded-at]').innerText();
    expect(caption).toMatch(/^回放 \d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // It plays on: the recorded time moves with the picture.
    await page.waitForFunction(
      (from) => {
        const at = document.querySelector('[data-slot="0"]')?.getAttribute('data-playback-at');
        return !!at && Date.parse(at) > from + 2_000;
      },
      shown,
      { timeout: 20_000 },
    );

    // 30 s back from the picture on screen, then live again.
    const before = Date.parse((await firstTile(page)).at!);
    await page.click('[data-back-30]');
    await page.waitForFunction(
      (limit) => {
        const at = document.querySelector('[data-slot="0"]')?.getAttribute('data-playback-at');
        return !!at && Date.parse(at) < limit;
      },
      before - 20_000,
      { timeout: 20_000 },
    );
    const back = Date.parse((await firstTile(page)).at!);
    expect(before - back).toBeGreaterThan(25_000);
    expect(before - back).toBeLessThan(36_000);
    await page.click('[data-to-live]');
    await page.waitForFunction(
      () => {
        const e = document.querySelector('[data-slot="0"]');
        return (
          e?.getAttribute('data-mode') !== 'recorded' && e?.getAttribute('data-state') === 'playing'
        );
      },
      undefined,
      { timeout: 30_000 },
    );
    expect((await firstTile(page)).at).toBeNull();
    await page.close();
  });

  it("plays a video alarm's cameras from 30 s before its report", async () => {
    const cam = city.cameras[300]!;
    const rad = (cam.bearing * Math.PI) / 180;
    const location = {
      lng: cam.position[0] + 0.0001 * Math.sin(rad),
      lat: cam.position[1] + 0.0001 * Math.cos(rad),
    };
    const reportedAt = Date.now() - 15_000;
    const res = await postReport(
      env.server.url,
      report({
        source: 'video-analytics',
        category: 'video-alarm',
        severity: 'medium',
        title: `人员聚集告警-${Date.now()}`,
        cameraId: cam.id,
        location,
        time: new Date(reportedAt).toISOString(),
      }),
    );
    expect(res.status).toBe(201);
    const incidentId = res.body.incidentId as string;

    const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await loginAs(page, env.server.url, 'duty');
    // As the incident's detail links it: 从上报前30秒回放.
    await page.goto(`${env.server.url}/video?incident=${incidentId}&replay=30`);
    const first = await playingRecorded(page);
    expect((await firstTile(page)).camera).toBe(cam.id);
    // The first picture is from 30 s before the report (the recorder's whole second, and the
    // part of a second hls.js takes to show the first frame).
    expect(first - (reportedAt - 30_000)).toBeGreaterThan(-1_500);
    expect(first - (reportedAt - 30_000)).toBeLessThan(3_000);
    await page.close();
  });

  it('exports the last minute of a tile as an MP4 file', async () => {
    const camera = city.cameras[11]!.id;
    const page = await deskWithCamera(camera);
    await page.hover('[data-tile][data-slot="0"]');
    await page.click('[data-export] summary');
    const download = page.waitForEvent('download', { timeout: 30_000 });
    await page.click('[data-export-minutes="1"]');
    const file = await download;
    expect(file.suggestedFilename()).toMatch(
      new RegExp(`^${camera}_\\d{8}T\\d{6}Z_\\d{8}T\\d{6}Z\\.mp4$`),
    );
    const dir = mkdtempSync(join(tmpdir(), 'citybrain-export-'));
    try {
      const path = join(dir, 'clip.mp4');
      await file.saveAs(path);
      const { stdout } = await run('ffprobe', [
        ...['-v', 'error', '-show_entries', 'format=duration:stream=codec_name'],
        ...['-of', 'json', path],
      ]);
      const probe = JSON.parse(stdout) as {
        format: { duration: string };
        streams: { codec_name: string }[];
      };
      expect(probe.streams[0]!.codec_name).toBe('h264');
      const seconds = Number(probe.format.duration);
      expect(seconds).toBeGreaterThan(57);
      expect(seconds).toBeLessThan(62);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await page.close();
  });

  it('reports what a tile shows, with a snapshot of the picture (视频巡查上报)', async () => {
    const camera = city.cameras[19]!;
    const page = await deskWithCamera(camera.id);
    await page.hover('[data-tile][data-slot="0"]');
    await page.click('[data-report-tile]');
    const form = page.locator('[data-video-report]');
    await form.locator('img[data-snapshot]').waitFor();
    await form.locator('select[name=category]').selectOption('public-order');
    await form.locator('textarea[name=description]').fill('路口有人员聚集，约二十人');
    await form.locator('[data-submit-report]').click();
    const done = await page.locator('[data-reported]').innerText({ timeout: 15_000 });
    const incidentId = /INC-[0-9-]+/.exec(done)?.[0];
    expect(incidentId, done).toBeDefined();
    await page.close();

    const token = await login(env.server.url, 'duty');
    const { body } = await api(env.server.url, `/api/v1/incidents/${incidentId}`, { token });
    expect(body.incident).toMatchObject({
      source: 'video-patrol',
      cameraId: camera.id,
      category: 'public-order',
      location: camera.position,
      description: '路口有人员聚集，约二十人',
    });
    expect(body.incident.title).toContain(camera.name);
    // The photo is the frame the tile showed: a JPEG at the stream's size, not a blank canvas.
    const [link] = Object.values(body.attachments) as { url: string }[];
    const photo = Buffer.from(
      await (
        await fetch(new URL(link!.url, env.server.url), {
          headers: { authorization: `Bearer ${token}` },
        })
      ).arrayBuffer(),
    );
    const image = sharp(photo);
    expect(await image.metadata()).toMatchObject({ format: 'jpeg', width: 640, height: 360 });
    const { channels } = await image.stats();
    // A picture has light and dark in it; an empty frame is one flat colour.
    expect(Math.max(...channels.map((c) => c.stdev))).toBeGreaterThan(10);
  });
});
