// The alert sound in real Chromium, with the browser's autoplay policy as on an ordinary desk
// (sound only after a gesture): the desk asks for a click, then a critical report posted through
// the intake API shows in the queue and plays the alert; muted, it shows without a sound, and the
// choice survives a reload; a group risk's red warning plays the warning's alert on the wall.
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportInput } from '../../shared/index.js';
import { launchBrowser, loginAs } from '../support/browser.js';
import { api, INGEST_KEY, report, startTestServer, type TestServer } from '../support/server.js';

/** What the page announced (web/src/alerts/useAlertSound.ts, ALERT_EVENT). */
interface Announced {
  screen: string;
  kind: string;
  ids: string[];
  outcome: 'played' | 'muted' | 'locked' | 'burst';
}

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  if (!existsSync('dist/web/index.html'))
    throw new Error('build the web app first (npm test runs vite build)');
  // No simulator: no other critical report may sound (or hold back) the one a test posts.
  server = await startTestServer({ env: { SIMULATE: 'false' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/**
 * A page that records every alert it announces, from its first script on, and whose audio
 * starts suspended as a browser's does before the first gesture: headless Chromium lets a page
 * play sound at once, whatever --autoplay-policy says.
 */
async function recordingPage(viewport = { width: 1366, height: 768 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.addInitScript(() => {
    const seen: unknown[] = [];
    (window as unknown as { __alerts: unknown[] }).__alerts = seen;
    window.addEventListener('citybrain:alert', (e) => seen.push((e as CustomEvent).detail));
    const Running = window.AudioContext;
    window.AudioContext = class extends Running {
      constructor(options?: AudioContextOptions) {
        super(options);
        void this.suspend();
      }
    };
  });
  return page;
}

/** Resolves with the page's announcement of an alert naming `id`, once it comes. */
async function announced(page: Page, id: string): Promise<Announced> {
  const handle = await page.waitForFunction(
    (id) =>
      (window as unknown as { __alerts: { ids: string[] }[] }).__alerts.find((a) =>
        a.ids.includes(id),
      ),
    id,
    { timeout: 10_000 },
  );
  return (await handle.jsonValue()) as Announced;
}

const played = (page: Page) =>
  page.evaluate(() => Number(document.documentElement.dataset.alertsPlayed ?? 0));

async function post(over: Partial<ReportInput>): Promise<string> {
  const { status, body } = await api(server.url, '/api/v1/reports', {
    token: INGEST_KEY,
    body: report({ category: 'public-order', ...over }),
  });
  expect(status).toBe(201);
  return body.incidentId;
}

/** The page lets sound play once clicked: its hint goes, its audio runs. */
async function unlockByClick(page: Page, where: string) {
  await page.locator('[data-alert-unlock]').waitFor();
  await page.click(where);
  await page.waitForFunction(() => document.documentElement.dataset.alertAudio === 'ready');
  await page.locator('[data-alert-unlock]').waitFor({ state: 'detached' });
}

describe('the alert sound in real Chromium', { timeout: 240_000 }, () => {
  it('plays on the desk for a critical report once clicked, and not when muted', async () => {
    const page = await recordingPage();
    await loginAs(page, server.url, 'duty');
    await page.waitForSelector('.queue');
    expect(await page.locator('[data-alert-unlock]').innerText()).toBe('点击任意处启用提示音');
    await unlockByClick(page, 'header h1');

    const first = await post({ severity: 'critical', title: `化工厂起火-${Date.now()}` });
    await page.locator(`.queue li[data-id="${first}"]`).waitFor({ timeout: 10_000 });
    expect(await announced(page, first)).toMatchObject({
      screen: 'desk',
      kind: 'critical-incident',
      outcome: 'played',
    });
    expect(await played(page)).toBe(1);

    // Muted: the next one shows, and is announced, without a sound.
    await page.click('[data-alert-mute]');
    expect(await page.getAttribute('[data-alert-mute]', 'aria-pressed')).toBe('true');
    const second = await post({ severity: 'critical', title: `燃气泄漏-${Date.now()}` });
    await page.locator(`.queue li[data-id="${second}"]`).waitFor({ timeout: 10_000 });
    expect(await announced(page, second)).toMatchObject({ outcome: 'muted' });
    expect(await played(page)).toBe(1);

    // The choice is this browser's, for this screen: still muted after a reload, and a muted
    // screen asks for no click.
    await page.reload();
    await page.waitForSelector('[data-alert-mute][aria-pressed=true]');
    expect(await page.locator('[data-alert-unlock]').count()).toBe(0);
    await page.close();
  });

  it('plays the red warning’s alert on the wall, muteable there too', async () => {
    const wall = await recordingPage({ width: 1920, height: 1080 });
    await wall.goto(`${server.url}/wall?device=demo-wall-device-token&rotate=0&speak=1`);
    await wall.waitForSelector('[data-wall-warnings]', { timeout: 90_000 });
    await unlockByClick(wall, 'header h1');

    const title = `外卖骑手聚集讨薪-${Date.now()}`;
    const incidentId = await post({ severity: 'high', title, groupRisk: true });
    await wall.locator('[data-wall-warnings]', { hasText: title }).waitFor({ timeout: 10_000 });
    const warning = await wall.waitForFunction(
      () =>
        (window as unknown as { __alerts: { kind: string }[] }).__alerts.find(
          (a) => a.kind === 'red-warning',
        ),
      undefined,
      { timeout: 10_000 },
    );
    expect(await warning.jsonValue()).toMatchObject({ screen: 'wall', outcome: 'played' });
    // A group risk that is not critical: the warning alerts, its incident does not.
    expect(JSON.stringify(await warning.jsonValue())).not.toContain(incidentId);
    expect(await played(wall)).toBe(1);

    await wall.click('[data-alert-mute]');
    const id = await post({ severity: 'critical', title: `特大火灾-${Date.now()}` });
    expect(await announced(wall, id)).toMatchObject({ screen: 'wall', outcome: 'muted' });
    expect(await played(wall)).toBe(1);
    await wall.close();
  });
});
