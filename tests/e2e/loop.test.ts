import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../shared/index.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { launchBrowser, loginAs } from '../support/browser.js';
import { api, demoCity, login, startTestServer, type TestServer } from '../support/server.js';

const PASSWORD = 'a-loop-password';
const CITY_MANAGEMENT = 'dept-city-management';
const POLICE = 'dept-public-security';
/** The grid the phone's worker walks, and where it stands when it reports. */
const GRID = 'd01-s01-c07-g06';

function gridCentre(): { latitude: number; longitude: number } {
  const grid = demoCity().regions.features.find((f) => f.properties.id === GRID)!;
  const [longitude, latitude] = grid.properties.center;
  return { latitude, longitude };
}

/** A camera-like JPEG, its pixels differing by `seed`, so each photo is its own file. */
function photo(seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(160 * 120 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 13 + seed * 101) % 256;
  return sharp(pixels, { raw: { width: 160, height: 120, channels: 3 } })
    .jpeg()
    .toBuffer();
}

/**
 * The whole loop across four seats, each its own browser: the grid worker's phone reports with a
 * photo while offline, the desk accepts and whistles two departments, each department answers
 * (报到) and reports back with a photo on /dept, the desk closes, the phone calls back (回访).
 */
describe('the closed loop, seat by seat, in real Chromium', { timeout: 300_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let duty: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    if (!existsSync('dist/web/index.html'))
      throw new Error('build the web app first (npm test runs vite build)');
    const worker = demoCity().gridWorkers.find((w) => w.gridIds.includes(GRID))!;
    const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-loop-'));
    // Cheap hashes: these passwords are the test's own.
    const passwordHash = hashPassword(PASSWORD, 1024);
    writeFileSync(
      join(dataDir, 'accounts.json'),
      JSON.stringify({
        users: [
          { username: 'zhangwei', name: '值班员 张伟', role: 'duty', passwordHash },
          {
            username: 'wangge',
            name: `网格员 ${worker.name}`,
            role: 'grid',
            gridWorkerId: worker.id,
            passwordHash,
          },
          {
            username: 'chengguan',
            name: '城管局 刘科长',
            role: 'department',
            departmentId: CITY_MANAGEMENT,
            passwordHash,
          },
          {
            username: 'police',
            name: '公安局 王警官',
            role: 'department',
            departmentId: POLICE,
            passwordHash,
          },
        ],
      }),
    );
    server = await startTestServer({ dataDir });
    browser = await launchBrowser();
    duty = await login(server.url, 'zhangwei', PASSWORD);
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  async function seat(
    username: string,
    viewport: { width: number; height: number },
    phone = false,
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({
      viewport,
      ...(phone
        ? {
            isMobile: true,
            hasTouch: true,
            geolocation: { ...gridCentre(), accuracy: 10 },
            permissions: ['geolocation'],
            serviceWorkers: 'block' as const,
          }
        : {}),
    });
    context.setDefaultTimeout(90_000);
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await loginAs(page, server.url, username, PASSWORD);
    return { context, page, errors };
  }

  const incident = async (id: string): Promise<Incident> =>
    (await api(server.url, `/api/v1/incidents/${id}`, { token: duty })).body.incident;

  it('goes from a phone report made offline to the call back, every screen showing the photos', async () => {
    // The grid worker's phone: a report with a photo, written without signal.
    const phone = await seat('wangge', { width: 390, height: 844 }, true);
    const title = `人行道护栏倒伏-${Date.now()}`;
    const fixed = phone.page.locator('.location[data-source=gps]');
    await fixed.waitFor({ timeout: 5_000 }).catch(async () => {
      // Headless Chromium can be slow to hand a new watcher its emulated position.
      await phone.context.setGeolocation({ ...gridCentre(), accuracy: 10 });
      await fixed.waitFor();
    });
    await phone.page.click('label.chip:has(input[value=safety-hazard])');
    await phone.page.fill('textarea[name=description]', `${title}\n护栏倒在人行道上，行人绕行`);
    await phone.page.setInputFiles('input[name=photos]', {
      name: 'scene.jpg',
      mimeType: 'image/jpeg',
      buffer: await photo(1),
    });
    await phone.page.locator('.photo-picker img').first().waitFor();
    await phone.context.setOffline(true);
    await phone.page.click('button.submit');
    await phone.page.locator('.notice[data-state=waiting]').waitFor();
    await phone.page.click('nav.tabs button[data-tab=outbox]');
    await phone.page.locator('.outbox-list .items li[data-state=waiting]').waitFor();
    // The signal returns: the report goes, once.
    await phone.context.setOffline(false);
    const delivered = phone.page.locator('.outbox-list .done li[data-incident]');
    await delivered.waitFor();
    const id = (await delivered.getAttribute('data-incident'))!;
    const list = await api(server.url, '/api/v1/incidents?limit=500', { token: duty });
    expect(list.body.incidents.filter((i: Incident) => i.title === title)).toHaveLength(1);
    expect(await incident(id)).toMatchObject({ state: 'reported', reportCount: 1 });

    // The desk: it arrives live; the officer accepts and whistles two departments.
    const desk = await seat('zhangwei', { width: 1366, height: 768 });
    await desk.page.locator(`.queue li[data-id="${id}"]`).click();
    const detail = desk.page.locator('aside.detail');
    await detail.locator('.photo-strip img').first().waitFor();
    const act = async (action: string, fill?: () => Promise<void>) => {
      await detail.locator(`.action-form button[data-action=${action}]`).click();
      await fill?.();
      await detail.locator('.action-form button.confirm').click();
      await detail.locator('.action-form button.confirm').waitFor({ state: 'detached' });
    };
    await act('accept');
    await expect.poll(async () => (await incident(id)).state).toBe('accepted');
    await act('whistle', async () => {
      await detail.locator('select[name=departmentIds]').selectOption([CITY_MANAGEMENT, POLICE]);
      await detail.locator('textarea[name=comment]').fill('中心吹哨，请城管、公安按时报到');
    });
    await expect.poll(async () => (await incident(id)).state).toBe('dispatched');

    // Each department on its own desk: 报到; once both have, 反馈 with a photo of the work.
    const depts = [];
    for (const username of ['chengguan', 'police']) {
      const dept = await seat(username, { width: 1366, height: 768 });
      await dept.page.locator(`[data-queue] button[data-id="${id}"]`).click();
      const card = dept.page.locator(`.dept-detail[data-id="${id}"]`);
      const respond = card.locator('button[data-action=respond]');
      expect((await respond.textContent())?.trim()).toBe('报到');
      await respond.click();
      await respond.waitFor({ state: 'detached' });
      depts.push({ ...dept, username, card });
    }
    await expect.poll(async () => (await incident(id)).state).toBe('handling');
    for (const [n, { card, username, errors }] of depts.entries()) {
      await card.locator('button[data-action=report]').click();
      await card.locator('textarea[name=comment]').fill(`${username}：护栏已扶正加固`);
      await card.locator('input[type=file][name=photos]').setInputFiles({
        name: 'done.jpg',
        mimeType: 'image/jpeg',
        buffer: await photo(10 + n),
      });
      await card.locator('.photo-picker img').waitFor();
      await card.locator('button.confirm').click();
      await card.locator('[data-entry=report] .photo-strip img').first().waitFor();
      expect(errors).toEqual([]);
    }
    await expect.poll(async () => (await incident(id)).state).toBe('verifying');

    // The desk sees both departments' photos, checks and closes.
    await expect.poll(() => detail.locator('.photo-strip img').count()).toBeGreaterThanOrEqual(3);
    await act('close', () => detail.locator('textarea[name=comment]').fill('经核查已整改到位'));
    await expect.poll(async () => (await incident(id)).state).toBe('closed');

    // Back on the phone: the call back (回访), with every photo in the timeline.
    await phone.page.click('nav.tabs button[data-tab=tasks]');
    await phone.page.locator(`.task-list button[data-incident="${id}"]`).first().click();
    const task = phone.page.locator(`.task-detail[data-incident="${id}"]`);
    await expect.poll(() => task.locator('.photo-strip img').count()).toBeGreaterThanOrEqual(3);
    await task.locator('button[data-action=evaluate]').click();
    await task.locator('.stars button').nth(4).click();
    await task.locator('button.confirm').click();
    await phone.page.locator(`.task-detail[data-incident="${id}"][data-state=evaluated]`).waitFor();

    const done = await incident(id);
    expect(done.state).toBe('evaluated');
    expect(done.rating).toBe(5);
    const steps = done.timeline.map((e) => [e.action, e.actor.role]);
    expect(steps).toEqual([
      ['created', 'grid'],
      ['accept', 'duty'],
      ['whistle', 'duty'],
      ['respond', 'department'],
      ['respond', 'department'],
      ['report', 'department'],
      ['report', 'department'],
      ['close', 'duty'],
      ['evaluate', 'grid'],
    ]);
    expect(done.timeline.flatMap((e) => e.photos ?? [])).toHaveLength(3);
    expect([...phone.errors, ...desk.errors]).toEqual([]);
  });
});
