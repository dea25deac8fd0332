import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/domain/audit.js';
import { loginAs } from '../support/browser.js';
import { e2eEnvironment } from '../support/e2e.js';
import { api, demoCity, login } from '../support/server.js';

const env = e2eEnvironment();
const city = demoCity();

describe('the audit trail in real Chromium', { timeout: 120_000 }, () => {
  it('leaves exactly one audit row naming the user and the camera they watched on /video', async () => {
    const camera = city.cameras.filter((c) => c.status === 'online')[7]!;
    const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await loginAs(page, env.server.url, 'duty');
    await page.goto(`${env.server.url}/video`);
    await page.fill('.camera-tree input', camera.name);
    await page.locator(`.camera-tree li[data-camera=${camera.id}]`).click();
    // Playing: the stream URL was issued and the picture is moving.
    await page
      .locator(`[data-tile][data-camera=${camera.id}][data-state=playing]`)
      .waitFor({ timeout: 60_000 });

    const admin = await login(env.server.url, 'admin');
    const res = await api(
      env.server.url,
      `/api/v1/audit?camera=${camera.id}&user=duty&action=stream.issued`,
      { token: admin },
    );
    expect(res.status).toBe(200);
    const rows = res.body.entries as AuditRecord[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'stream.issued',
      actor: 'duty',
      actorRole: 'duty',
      cameraId: camera.id,
      outcome: 'ok',
      detail: { screen: 'video' },
    });
    expect(Date.now() - Date.parse(rows[0]!.at)).toBeLessThan(120_000);
    // Nothing else about this camera was recorded for anyone: one watch, one row.
    const anyone = await api(env.server.url, `/api/v1/audit?camera=${camera.id}`, {
      token: admin,
    });
    expect(anyone.body.total).toBe(1);
    await page.close();
  });

  it('shows the admin the audit page, and only the audit page, at 1366×768', async () => {
    // The camera the test before watched: its row is the one to find.
    const camera = city.cameras.filter((c) => c.status === 'online')[7]!;
    const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await loginAs(page, env.server.url, 'admin');
    await page.waitForURL((u) => u.pathname === '/admin/audit');
    await page.locator('[data-audit-row]').first().waitFor();
    await page.fill('input[name=camera]', camera.id);
    await page.click('button[type=submit]');
    const row = page.locator(`[data-audit-row][data-camera=${camera.id}]`);
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-actor')).toBe('duty');
    expect(await row.textContent()).toContain('调阅视频');
    // Times are the centre's (UTC+8) whatever the browser's zone: the header says which.
    await page.locator('header', { hasText: 'UTC+08:00' }).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);

    // The loop's screens are not the admin's.
    await page.goto(`${env.server.url}/desk`);
    await page.waitForURL((u) => u.pathname === '/admin/audit');
    await page.close();
  });

  it('keeps the audit page from the other roles', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1366, height: 768 } });
    await loginAs(page, env.server.url, 'duty');
    await page.goto(`${env.server.url}/admin/audit`);
    await page.waitForURL((u) => u.pathname === '/desk');
    await page.close();
  });
});
