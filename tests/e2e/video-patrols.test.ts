import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { TourPlan, TourPlanInput, VideoPatrol } from '../../shared/index.js';
import { loginAs } from '../support/browser.js';
import { e2eEnvironment } from '../support/e2e.js';
import { api, demoCity, login } from '../support/server.js';

/**
 * Video patrols (视频巡查) in real Chromium: a plan scheduled for now runs on the wall, page after
 * page, under its banner, and the wall tours again once the plan is off its schedule; a desk runs
 * a plan by hand from /video and finds it in the day's patrol log, where it adds a note.
 * `SHOT_DIR=…` keeps screenshots of both screens.
 */
const env = e2eEnvironment();
const city = demoCity();
const WALL = '/wall?device=demo-wall-device-token&rotate=0&layout=9';
const CHINA = 480;
const shotDir = process.env.SHOT_DIR;

/** The centre's wall clock, HH:mm, `minutes` from now, and its day of the week (1–7). */
function centreClock(minutes: number): { hhmm: string; weekday: number } {
  const local = new Date(Date.now() + (CHINA + minutes) * 60_000);
  return {
    hhmm: local.toISOString().slice(11, 16),
    weekday: local.getUTCDay() || 7,
  };
}

/** Two pages of four cameras. */
const cameraIds = city.cameras.slice(100, 108).map((c) => c.id);

async function makePlan(token: string, over: Partial<TourPlanInput> = {}): Promise<TourPlan> {
  const from = centreClock(-1);
  const res = await api(env.server.url, '/api/v1/tour-plans', {
    token,
    body: {
      name: '江滨路口视频巡查',
      cameras: { kind: 'list', ids: cameraIds },
      dwellSeconds: 5,
      tiles: 4,
      // Scheduled for now: from a minute ago for half an hour (past midnight if need be).
      schedule: { days: [from.weekday], from: from.hhmm, to: centreClock(30).hhmm },
      walls: 'all',
      ...over,
    } satisfies TourPlanInput,
  });
  expect(res.status).toBe(201);
  return res.body.plan as TourPlan;
}

/** Reads until the answer is there: a condition awaited, not a fixed sleep. */
async function eventually<T>(
  read: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The cameras in the wall's tiles, in order. */
const tileCameras = (page: Page) =>
  page.$$eval('[data-tile]', (els) => els.map((e) => e.getAttribute('data-camera')));

describe('video patrols in real Chromium', { timeout: 120_000 }, () => {
  it('runs a plan scheduled for now on the wall, page by page, then tours again', async () => {
    const operator = await login(env.server.url, 'operator');
    // For this wall by its name: the screens call it 指挥大厅主屏, its title.
    const plan = await makePlan(operator, { walls: ['demo-wall'] });
    const wall = await env.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wall.goto(`${env.server.url}${WALL}`);

    const banner = wall.locator('[data-patrol-banner]');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toMatch(/^视频巡查：江滨路口视频巡查 第 [12]\/2 页$/);
    const pages = [cameraIds.slice(0, 4), cameraIds.slice(4, 8)];
    // The tiles hold one page of the plan's cameras, four at a time, whichever page is up, and
    // the banner names that page (read together: the page may turn between two reads).
    const first = await wall.waitForFunction(
      (pages) => {
        const ids = [...document.querySelectorAll('[data-tile]')].map((e) =>
          e.getAttribute('data-camera'),
        );
        const text = document.querySelector('[data-patrol-banner]')?.textContent ?? '';
        const n = pages.findIndex((p) => JSON.stringify(p) === JSON.stringify(ids));
        // The page's number, 1 or 2: 0 would read as not yet.
        return n !== -1 && text.includes(`第 ${n + 1}/2 页`) ? n + 1 : false;
      },
      pages,
      { timeout: 15_000 },
    );
    const index = ((await first.jsonValue()) as number) - 1;
    if (shotDir) await wall.screenshot({ path: `${shotDir}/wall-patrol.png` });

    // Within the dwell (5 s) the other page comes up, banner and tiles together.
    const other = pages[1 - index]!;
    await wall.waitForFunction(
      ({ other, n }) => {
        const ids = [...document.querySelectorAll('[data-tile]')].map((e) =>
          e.getAttribute('data-camera'),
        );
        const text = document.querySelector('[data-patrol-banner]')?.textContent ?? '';
        return JSON.stringify(ids) === JSON.stringify(other) && text.includes(`第 ${n}/2 页`);
      },
      { other, n: 2 - index },
      { timeout: 12_000 },
    );

    // Off its schedule (a change pushed to the wall at once), the wall goes back to its tour:
    // no banner, its own nine tiles, none of them the plan's by rule.
    const changed = await api(env.server.url, `/api/v1/tour-plans/${plan.id}`, {
      token: operator,
      method: 'PUT',
      body: { ...plan, schedule: null },
    });
    expect(changed.status).toBe(200);
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
    await wall.waitForFunction(() => document.querySelectorAll('[data-tile]').length === 9, null, {
      timeout: 10_000,
    });
    expect((await tileCameras(wall)).filter(Boolean).length).toBeGreaterThan(0);

    // The wall's run is in the day's patrol log, ended, with the pages it showed.
    const duty = await login(env.server.url, 'duty');
    const logged = await eventually(
      async () => {
        const res = await api(env.server.url, '/api/v1/video-patrols', { token: duty });
        return (res.body.patrols as VideoPatrol[]).find(
          (p) => p.planId === plan.id && p.by === 'wall' && p.endedAt,
        );
      },
      10_000,
      'the wall’s run in the log',
    );
    expect(logged).toMatchObject({
      actor: 'device:demo-wall',
      actorName: '指挥大厅主屏',
      planName: '江滨路口视频巡查',
    });
    expect([...logged.cameraIds].sort()).toEqual([...cameraIds].sort());
    await wall.close();
  });

  it('runs a plan by hand on a desk’s /video, and keeps it in the patrol log with a note', async () => {
    const operator = await login(env.server.url, 'operator');
    const plan = await makePlan(operator, { name: '人民医院周边巡查', schedule: null });
    const desk = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await loginAs(desk, env.server.url, 'operator');
    await desk.goto(`${env.server.url}/video`);
    await desk
      .locator(`[data-plan-picker] option[value="${plan.id}"]`)
      .waitFor({ state: 'attached' });
    await desk.selectOption('[data-plan-picker]', plan.id);
    await desk.click('[data-patrol-start]');
    await desk.locator('[data-patrol-page]', { hasText: '第 1/2 页' }).waitFor();
    await desk.waitForFunction(
      (ids) =>
        JSON.stringify(
          [...document.querySelectorAll('[data-tile]')].map((e) => e.getAttribute('data-camera')),
        ) === JSON.stringify(ids),
      cameraIds.slice(0, 4),
    );
    // The run is in today's log at once, under the operator's name, running.
    const entry = desk.locator('[data-patrol-entry]', { hasText: '人民医院周边巡查' });
    await entry.filter({ hasText: '大屏操作员 王芳' }).filter({ hasText: '进行中' }).waitFor();
    await desk.locator('[data-patrol-page]', { hasText: '第 2/2 页' }).waitFor({ timeout: 12_000 });
    await entry.locator('[data-patrol-add-note]').first().click();
    await desk.fill('[data-patrol-note]', '3号摄像头画面模糊');
    await desk.keyboard.press('Enter');
    await entry.filter({ hasText: '3号摄像头画面模糊' }).waitFor();
    if (shotDir) await desk.screenshot({ path: `${shotDir}/video-patrol.png` });
    await desk.click('[data-patrol-stop]');
    await desk.locator('[data-patrol-start]').waitFor();
    // Ended: the entry's time shows its end, and it no longer says it runs.
    await entry.filter({ hasNotText: '进行中' }).first().waitFor({ timeout: 10_000 });
    await desk.close();
  });
  it('lets an operator make a plan on /video, naming in Chinese what the server refused', async () => {
    const desk = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await loginAs(desk, env.server.url, 'operator');
    // The form is opened before the city's regions have arrived (a slow centre link): the
    // street is chosen once they come, not left blank.
    let releaseRegions!: () => void;
    const regionsHeld = new Promise<void>((resolve) => (releaseRegions = resolve));
    await desk.route('**/api/v1/regions', async (route) => {
      await regionsHeld;
      await route.continue();
    });
    await desk.goto(`${env.server.url}/video`);
    await desk.click('[data-plan-new]');
    const form = desk.locator('[data-plan-form]');
    releaseRegions();
    // Blank once trimmed: the browser lets it through, the server names the field.
    await form.locator('input[name=name]').fill('   ');
    await form.locator('input[type=radio][value=street]').check();
    await form.locator('button[type=submit]').click();
    await form.locator('[role=alert]', { hasText: '方案名称' }).waitFor();
    await form.locator('input[name=name]').fill('街道全域巡查');
    await form.locator('input[name=dwellSeconds]').fill('20');
    // On weekdays, all day: to the end of the day, which a time field cannot hold.
    await form.locator('input[name=scheduled]').check();
    await form.locator('input[name=allDay]').check();
    if (shotDir) await desk.screenshot({ path: `${shotDir}/plan-form.png` });
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    const picked = await desk.$eval('[data-plan-picker]', (e) => (e as HTMLSelectElement).value);
    const operator = await login(env.server.url, 'operator');
    const res = await api(env.server.url, `/api/v1/tour-plans/${picked}`, { token: operator });
    expect(res.body.plan).toMatchObject({
      name: '街道全域巡查',
      dwellSeconds: 20,
      cameras: { kind: 'street' },
      schedule: { days: [1, 2, 3, 4, 5], from: '00:00', to: '24:00' },
      updatedBy: '大屏操作员 王芳',
    });
    expect(res.body.plan.cameraIds.length).toBeGreaterThan(0);
    await desk.close();
  });
});
