import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loginAs, recordHosts } from '../support/browser.js';
import { e2eEnvironment } from '../support/e2e.js';
import { api, demoCity, login } from '../support/server.js';

const env = e2eEnvironment();

/** The demo grid worker's own grid (server/auth/demo-credentials.ts): where `grid` reports. */
function gridCentre(): { latitude: number; longitude: number } {
  const grid = demoCity().regions.features.find((f) => f.properties.id === 'd01-s01-c07-g06');
  const [longitude, latitude] = grid!.properties.center;
  return { latitude, longitude };
}

/** A small camera-like JPEG, different on every run. */
function photo(): Promise<Buffer> {
  const noise = Buffer.alloc(320 * 240 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 7 + Date.now()) % 256;
  return sharp(noise, { raw: { width: 320, height: 240, channels: 3 } })
    .jpeg()
    .toBuffer();
}

async function phone() {
  const context = await env.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    geolocation: { ...gridCentre(), accuracy: 12 },
    permissions: ['geolocation'],
    // The outbox is under test here, not the service worker's offline shell (the last test).
    serviceWorkers: 'block',
  });
  context.setDefaultTimeout(60_000);
  return context;
}

/**
 * Waits for the form's GPS fix. Headless Chromium can be slow to hand its emulated position to
 * a new watcher; setting the position again delivers it to every watcher at once.
 */
async function gpsFix(context: BrowserContext, page: Page): Promise<void> {
  const fixed = page.locator('.location[data-source=gps]');
  await fixed.waitFor({ timeout: 5_000 }).catch(async () => {
    await context.setGeolocation({ ...gridCentre(), accuracy: 12 });
    await fixed.waitFor();
  });
}

describe('the grid worker phone (/m) in real Chromium at 390x844', { timeout: 120_000 }, () => {
  it('keeps a report written without signal and sends it once when the signal returns', async () => {
    const context = await phone();
    const page = await context.newPage();
    const hosts = recordHosts(page);
    await loginAs(page, env.server.url, 'grid');
    expect(new URL(page.url()).pathname).toBe('/m');

    const title = `楼道堆放杂物-${Date.now()}`;
    await gpsFix(context, page);
    await page.click('label.chip:has(input[value=safety-hazard])');
    await page.fill('textarea[name=description]', `${title}\n三楼楼道堆满纸箱，堵塞消防通道`);
    await page.setInputFiles('input[name=photos]', {
      name: 'scene.jpg',
      mimeType: 'image/jpeg',
      buffer: await photo(),
    });
    await page.locator('.photo-picker img').first().waitFor();

    await context.setOffline(true);
    await page.click('button.submit');
    await page.locator('.notice[data-state=waiting]').waitFor();
    await page.click('nav.tabs button[data-tab=outbox]');
    const waiting = page.locator('.outbox-list .items li[data-state=waiting]');
    await waiting.waitFor();
    expect(await waiting.locator('.title').textContent()).toContain(title);
    expect((await page.locator('nav.tabs .badge[data-count]').textContent())?.trim()).toBe('1');

    await context.setOffline(false);
    const delivered = page.locator('.outbox-list .done li[data-incident]');
    await delivered.waitFor({ timeout: 30_000 });
    await page.locator('.outbox-list .items li').waitFor({ state: 'detached' });
    const incidentId = (await delivered.getAttribute('data-incident'))!;

    // The centre has it once, with its photo, however many times the phone tried.
    const token = await login(env.server.url, 'duty');
    const { body } = await api(env.server.url, `/api/v1/incidents/${incidentId}`, { token });
    expect(body.incident.title).toBe(title);
    expect(body.incident.category).toBe('safety-hazard');
    expect(body.incident.reportCount).toBe(1);
    const photos = body.incident.timeline.flatMap((e: { photos?: string[] }) => e.photos ?? []);
    expect(photos).toHaveLength(1);
    const list = await api(env.server.url, '/api/v1/incidents?limit=500', { token });
    expect(
      list.body.incidents
        .filter((i: { title: string }) => i.title === title)
        .map((i: { id: string }) => i.id),
    ).toEqual([incidentId]);

    // The task list shows, with the report among the worker's own.
    await page.click('nav.tabs button[data-tab=tasks]');
    await page.locator('.task-list[data-loaded=true]').waitFor();
    await page.locator(`.task-list button[data-incident="${incidentId}"]`).first().waitFor();
    expect([...hosts]).toEqual([new URL(env.server.url).host]);
    await context.close();
  });

  it('closes a matter settled on the spot in one step, with the photo of the result', async () => {
    const context = await phone();
    const page = await context.newPage();
    await loginAs(page, env.server.url, 'grid');
    const title = `占道摆摊已劝离-${Date.now()}`;
    await gpsFix(context, page);
    await page.click('label.chip:has(input[value=city-management])');
    await page.fill('textarea[name=description]', title);
    await page.click('label.switch:has(input[name=selfHandled])');
    await page.fill('textarea[name=handledComment]', '已劝离摊贩，恢复通行');
    await page.setInputFiles('input[name=resultPhotos]', {
      name: 'after.jpg',
      mimeType: 'image/jpeg',
      buffer: await photo(),
    });
    await page.locator('.photo-picker img').first().waitFor();
    await page.click('button.submit');
    await page.locator('.notice[data-state=delivered]').waitFor({ timeout: 15_000 });
    await page.click('nav.tabs button[data-tab=outbox]');
    const id = await page
      .locator('.outbox-list .done li[data-incident]')
      .getAttribute('data-incident');
    const token = await login(env.server.url, 'duty');
    const { body } = await api(env.server.url, `/api/v1/incidents/${id}`, { token });
    expect(body.incident.state).toBe('closed');
    expect(body.incident.resolution).toBe('self-handled');
    await context.close();
  });

  it('goes back to the login page when its session ended elsewhere, and back after it', async () => {
    const context = await phone();
    const page = await context.newPage();
    await loginAs(page, env.server.url, 'grid');
    await page.click('nav.tabs button[data-tab=tasks]');
    await page.locator('.task-list[data-loaded=true]').waitFor();
    // The session is ended from elsewhere (logged out on another device, say).
    const token = await page.evaluate(
      () => (JSON.parse(localStorage.getItem('city-brain.session')!) as { token: string }).token,
    );
    expect(
      (await api(env.server.url, '/api/v1/auth/logout', { token, method: 'POST' })).status,
    ).toBe(204);
    await page.click('.task-list button.refresh');
    await page.waitForURL((u) => u.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toContain('/m');
    await page.fill('input[name=username]', 'grid');
    await page.fill('input[name=password]', 'citybrain-demo');
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/m');
    await context.close();
  });

  it('opens from its service worker without signal once installed', async () => {
    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 } });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    await loginAs(page, env.server.url, 'grid');
    // The worker is installed from /m for /m alone. The page began at /login, outside its
    // scope, so it controls the next load of /m, as it does an installed app's start.
    await page.waitForFunction(async () =>
      (await navigator.serviceWorker.getRegistrations()).some((r) => !!r.active),
    );
    await page.goto(`${env.server.url}/m`);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    await context.setOffline(true);
    await page.reload();
    await page.locator('form.report-form').waitFor();
    expect(await page.locator('.bar .offline').count()).toBe(1);
    await context.close();
  });
});
