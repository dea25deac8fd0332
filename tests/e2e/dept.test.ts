import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/passwords.js';
import { launchBrowser, loginAs, recordHosts } from '../support/browser.js';
import {
  api,
  login,
  postReport,
  report,
  startTestServer,
  type TestServer,
} from '../support/server.js';

const PASSWORD = 'a-department-password';
const CITY_MANAGEMENT = 'dept-city-management';
const POLICE = 'dept-public-security';

/** The department's desk (/dept) in real Chromium, fed by the duty officer over REST. */
describe('the department desk', { timeout: 90_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let ingestKey: string;
  let duty: string;

  beforeAll(async () => {
    // The built web app; WEB_DIR names another build (one made apart from the shared dist/).
    const webDir = resolve(process.env.WEB_DIR ?? 'dist/web');
    if (!existsSync(join(webDir, 'index.html')))
      throw new Error('build the web app first (npm test runs vite build)');
    const dataDir = mkdtempSync(join(tmpdir(), 'citybrain-dept-e2e-'));
    // Cheap hashes: these passwords are the test's own.
    const hash = hashPassword(PASSWORD, 1024);
    writeFileSync(
      join(dataDir, 'accounts.json'),
      JSON.stringify({
        users: [
          { username: 'zhangwei', name: '值班员 张伟', role: 'duty', passwordHash: hash },
          {
            username: 'chengguan',
            name: '城管局 刘科长',
            role: 'department',
            departmentId: CITY_MANAGEMENT,
            passwordHash: hash,
          },
        ],
      }),
    );
    server = await startTestServer({ dataDir, env: { WEB_DIR: webDir } });
    ingestKey = server.auth.internalKey('dept-e2e');
    browser = await launchBrowser();
    duty = await login(server.url, 'zhangwei', PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** An incident reported, accepted and sent on by the duty officer: `dispatch` or `whistle`. */
  async function sendToDepartments(title: string, departmentIds: string[]): Promise<string> {
    const posted = await postReport(
      server.url,
      report({ category: 'city-management', title }),
      ingestKey,
    );
    expect(posted.status).toBe(201);
    const id = posted.body.incidentId as string;
    const act = (body: Record<string, unknown>) =>
      api(server.url, `/api/v1/incidents/${id}/actions`, { token: duty, body });
    const { body: detail } = await api(server.url, `/api/v1/incidents/${id}`, { token: duty });
    const accepted = await act({ action: 'accept', version: detail.incident.version });
    expect(accepted.status).toBe(200);
    const version = accepted.body.incident.version;
    const sent = await act(
      departmentIds.length > 1
        ? { action: 'whistle', version, departmentIds }
        : { action: 'dispatch', version, departmentId: departmentIds[0] },
    );
    expect(sent.status).toBe(200);
    return id;
  }

  async function openDesk(viewport: { width: number; height: number }) {
    const page = await browser.newPage({ viewport });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const hosts = recordHosts(page);
    await loginAs(page, server.url, 'chengguan', PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/dept');
    await page.locator('.dept-header .link:not(.down)').waitFor();
    return { page, errors, hosts };
  }

  const row = (page: Page, id: string) => page.locator(`[data-queue] button[data-id="${id}"]`);

  it('shows a dispatch arriving live, signs for it, and reports back with a photo', async () => {
    const { page, errors, hosts } = await openDesk({ width: 1366, height: 768 });
    await page.locator('[data-department]', { hasText: '城市管理' }).waitFor();

    const title = `占道经营-部门-${Date.now()}`;
    const id = await sendToDepartments(title, [CITY_MANAGEMENT]);
    // It arrives over the socket, with its time left and a banner saying it is new.
    await row(page, id).waitFor({ timeout: 5_000 });
    await expect.poll(() => row(page, id).textContent()).toMatch(/剩余/);
    await page.locator('[data-alert=assigned]', { hasText: title }).waitFor();

    await row(page, id).click();
    const detail = page.locator(`.dept-detail[data-id="${id}"]`);
    const respond = detail.locator('button[data-action=respond]');
    await respond.waitFor();
    // A plain dispatch is signed for (签收); a whistle is answered with 报到.
    expect((await respond.textContent())?.trim()).toBe('签收');
    await respond.click();
    await detail.locator('button[data-action=report]').click();
    await detail.locator('textarea[name=comment]').fill('已清理占道摊点，现场恢复通行');
    const photo = await sharp({
      create: { width: 64, height: 48, channels: 3, background: '#c83232' },
    })
      .jpeg()
      .toBuffer();
    await detail
      .locator('input[type=file][name=photos]')
      .setInputFiles({ name: 'scene.jpg', mimeType: 'image/jpeg', buffer: photo });
    await detail.locator('.photo-picker img').waitFor();
    await detail.locator('button.confirm').click();

    // As the server says: every department has reported, so it waits for the centre's check.
    await page.locator(`.dept-detail[data-id="${id}"][data-state=verifying]`).waitFor();
    expect(await detail.locator('[data-state-label]').textContent()).toContain('待核查');
    await row(page, id).waitFor({ state: 'detached' });
    await page.locator(`[data-done] button[data-id="${id}"]`).waitFor();
    await detail.locator('[data-entry=report]', { hasText: '已清理占道摊点' }).waitFor();

    const { body } = await api(server.url, `/api/v1/incidents/${id}`, { token: duty });
    expect(body.incident.state).toBe('verifying');
    const reported = body.incident.timeline.at(-1);
    expect(reported).toMatchObject({ action: 'report', comment: '已清理占道摊点，现场恢复通行' });
    expect(reported.photos).toHaveLength(1);
    expect(reported.actor.departmentId).toBe(CITY_MANAGEMENT);
    // The photo shows in the timeline, through the server's short-lived link.
    await detail.locator('[data-entry=report] .photo-strip img').waitFor();

    expect(errors).toEqual([]);
    expect([...hosts]).toEqual([new URL(server.url).host]);
    await page.close();
  });

  it('answers a whistle with 报到, shows the request for more time pending, then the answer', async () => {
    const { page, errors } = await openDesk({ width: 1366, height: 768 });

    const whistled = await sendToDepartments(`联合执法-${Date.now()}`, [CITY_MANAGEMENT, POLICE]);
    await row(page, whistled).click();
    const respond = page.locator(`.dept-detail[data-id="${whistled}"] button[data-action=respond]`);
    expect((await respond.textContent())?.trim()).toBe('报到');
    await respond.click();
    // The police have not answered yet: it stays dispatched, waiting on them.
    await expect.poll(() => row(page, whistled).textContent()).toMatch(/等待其他部门报到（1\/2）/);

    const id = await sendToDepartments(`井盖缺失-${Date.now()}`, [CITY_MANAGEMENT]);
    await row(page, id).click();
    const detail = page.locator(`.dept-detail[data-id="${id}"]`);
    await detail.locator('button[data-action=ask-extension]').click();
    await detail.locator('textarea[name=comment]').fill('需协调供水公司更换井盖');
    await detail.locator('button.confirm').click();
    await detail.locator('[data-extension=pending]').waitFor();
    await expect.poll(() => row(page, id).textContent()).toMatch(/延期待批/);
    // No second request while the first waits.
    await detail.locator('button[data-action=ask-extension]').waitFor({ state: 'detached' });

    // The duty officer refuses it, then presses the department: it hears of both.
    const act = async (body: Record<string, unknown>) => {
      const { body: now } = await api(server.url, `/api/v1/incidents/${id}`, { token: duty });
      const res = await api(server.url, `/api/v1/incidents/${id}/actions`, {
        token: duty,
        body: { ...body, version: now.incident.version },
      });
      expect(res.status).toBe(200);
    };
    await act({ action: 'deny-extension', comment: '请按原时限办理' });
    await detail.locator('[data-extension=denied]', { hasText: '请按原时限办理' }).waitFor();
    await act({ action: 'supervise', comment: '请尽快处置' });
    await page.locator('[data-alert=supervised]').waitFor();
    await detail.locator('[data-supervised]').waitFor();
    await row(page, id).locator('.badge', { hasText: '督办' }).waitFor();

    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens an incident full screen on a phone, and the back button closes it', async () => {
    const { page, errors } = await openDesk({ width: 390, height: 844 });
    const id = await sendToDepartments(`垃圾堆放-${Date.now()}`, [CITY_MANAGEMENT]);
    await row(page, id).click();
    const detail = page.locator(`.dept-detail[data-id="${id}"]`);
    await detail.locator('button[data-action=respond]').waitFor();
    expect(await detail.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    const respond = await detail.locator('button[data-action=respond]').boundingBox();
    expect(respond!.height).toBeGreaterThanOrEqual(44);
    await page.goBack();
    await detail.waitFor({ state: 'detached' });
    await row(page, id).waitFor();
    expect(new URL(page.url()).search).toBe('');
    expect(errors).toEqual([]);
    await page.close();
  });
});
