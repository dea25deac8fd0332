import { describe, expect, it } from 'vitest';
import { loginAs, recordHosts } from '../support/browser.js';
import { e2eEnvironment } from '../support/e2e.js';
import { api, login, postReport, report } from '../support/server.js';

const env = e2eEnvironment();

describe('the three screens in real Chromium', { timeout: 90_000 }, () => {
  it('opens the screen each role may use, and the map holds all 842 grids', async () => {
    for (const [user, screen] of [
      ['duty', '/desk'],
      ['operator', '/wall'],
      ['leader', '/brief'],
    ] as const) {
      const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
      await loginAs(page, env.server.url, user);
      expect(new URL(page.url()).pathname).toBe(screen);
      if (user === 'duty') {
        await page.waitForSelector('.city-map[data-ready=true]', { timeout: 30_000 });
        expect(await page.getAttribute('.city-map', 'data-grids')).toBe('842');
      }
      await page.close();
    }
  });

  // How fast it paints is bench:web's to measure: a threshold here fails on a loaded machine.
  it('shows a report posted to the intake API on the map and in the queue', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    const hosts = recordHosts(page);
    await loginAs(page, env.server.url, 'duty');
    await page.waitForSelector('.city-map[data-ready=true]', { timeout: 30_000 });
    const title = `烟雾报警-${Date.now()}`;
    const res = await postReport(env.server.url, report({ category: 'safety-hazard', title }));
    await page.waitForFunction(
      (id) =>
        document
          .querySelector('.city-map')
          ?.getAttribute('data-incidents')
          ?.split(' ')
          .includes(id),
      res.body.incidentId,
      { timeout: 5_000, polling: 20 },
    );
    await page.getByText(title).first().waitFor({ timeout: 5_000 });
    expect([...hosts]).toEqual([new URL(env.server.url).host]);
    await page.close();
  });

  it('lets a duty officer work one incident from accepted to closed', async () => {
    const res = await postReport(
      env.server.url,
      report({ category: 'city-management', title: '占道经营-端到端' }),
    );
    const id = res.body.incidentId as string;
    const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await loginAs(page, env.server.url, 'duty');
    await page.getByText('占道经营-端到端').first().click();
    const step = async (action: string, fill?: () => Promise<void>) => {
      await page.click(`button[data-action=${action}]`);
      await fill?.();
      await page.click('button.confirm');
      await page.waitForSelector(`button[data-action=${action}]`, {
        state: 'detached',
        timeout: 5_000,
      });
    };
    await step('accept');
    await step('dispatch');
    await step('respond');
    await step('report', () => page.fill('textarea[name=comment]', '已清理'));
    await step('close');
    const token = await login(env.server.url, 'leader');
    const { body } = await api(env.server.url, `/api/v1/incidents/${id}`, { token });
    expect(body.incident.state).toBe('closed');
    expect(body.incident.timeline.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'accept',
      'dispatch',
      'respond',
      'report',
      'close',
    ]);
    await page.close();
  });

  it('gives the leader no action controls, and the server refuses a forged write', async () => {
    const res = await postReport(env.server.url, report({ title: '领导查看-端到端' }));
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await loginAs(page, env.server.url, 'leader');
    // The briefing is the leader's own screen; the desk opens for them read-only.
    await page.goto(`${env.server.url}/desk`);
    await page.getByText('领导查看-端到端').first().click();
    await page.waitForSelector('.detail .timeline');
    expect(await page.locator('button[data-action]').count()).toBe(0);
    expect(await page.locator('.readonly').count()).toBe(1);
    const forged = await page.evaluate(async (id) => {
      const token = JSON.parse(localStorage.getItem('city-brain.session')!).token;
      const r = await fetch(`/api/v1/incidents/${id}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ action: 'accept', version: 1 }),
      });
      return r.status;
    }, res.body.incidentId);
    expect(forged).toBe(403);
    await page.close();
  });

  it('puts an incident pushed from the desk on the wall, saying who pushed it', async () => {
    await postReport(
      env.server.url,
      report({ category: 'public-order', title: '推送上墙-端到端' }),
    );
    const wall = await env.browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wall.goto(`${env.server.url}/wall?device=demo-wall-device-token&rotate=0`);
    await wall.locator('.link:not(.down)').waitFor();
    // The device token leaves the address bar at once, and the wall stays signed in on reload.
    expect(wall.url()).toBe(`${env.server.url}/wall?rotate=0`);
    await wall.reload();
    await wall.locator('.link:not(.down)').waitFor();
    expect(wall.url()).not.toContain('demo-wall-device-token');
    const desk = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await loginAs(desk, env.server.url, 'duty');
    await desk.getByText('推送上墙-端到端').first().click();
    await desk.click('button.push');
    await wall.locator('.pushed', { hasText: '推送上墙-端到端' }).waitFor({ timeout: 5_000 });
    expect(await wall.locator('.pushed').textContent()).toContain('值班员 李明');
    await desk.close();
    await wall.close();
  });

  it('scales the wall canvas to fit at 1920x1080 and 3840x2160, never with CSS zoom, its map as sharp as the screen', async () => {
    for (const [width, height] of [
      [1920, 1080],
      [3840, 2160],
    ] as const) {
      const page = await env.browser.newPage({ viewport: { width, height } });
      await page.goto(`${env.server.url}/wall?device=demo-wall-device-token&rotate=0`);
      const canvas = page.locator('.canvas');
      await canvas.waitFor();
      const box = await canvas.boundingBox();
      expect(box!.width).toBeCloseTo(width, 0);
      expect(box!.height).toBeCloseTo(height, 0);
      expect(
        await page.evaluate(() => getComputedStyle(document.querySelector('.canvas')!).zoom),
      ).toBe('1');
      // The map draws as many pixels as the screen shows of it: not upscaled (blurred) at 4K.
      await page.locator('.city-map[data-ready]').waitFor();
      const map = await page.evaluate(() => {
        const c = document.querySelector<HTMLCanvasElement>('.city-map canvas')!;
        return { backing: c.width, shown: c.getBoundingClientRect().width * devicePixelRatio };
      });
      expect(Math.abs(map.backing - map.shown)).toBeLessThanOrEqual(1);
      await page.close();
    }
  });
});
